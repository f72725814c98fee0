package io.inlet.db;

import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL login user in one of Inlet's roles, with the password it must have. The name and
 * password are sent to the server as data (identifiers quoted by the server, the password hashed by
 * the driver), so any characters PostgreSQL can store are accepted; the checks here refuse only what
 * PostgreSQL itself cannot hold or what would confuse the user with a role Inlet owns.
 *
 * @param name     the login name (1..63 bytes of UTF-8, no NUL, not {@code pg_*}, not one of the group roles)
 * @param role     the group role it is a member of, and of no other
 * @param password its password (non-empty, no NUL); never printed by {@link #toString()}
 */
public record LoginUser(String name, InletRole role, String password) {

    /** PostgreSQL's NAMEDATALEN - 1. */
    static final int MAX_NAME_BYTES = 63;

    public LoginUser {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("login user for role " + role + ": the name is empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("login user for role " + role + ": the name contains a NUL character");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("login user '" + name + "': longer than " + MAX_NAME_BYTES
                    + " bytes, PostgreSQL would truncate it");
        }
        if (name.startsWith("pg_")) {
            throw new IllegalArgumentException("login user '" + name + "': names starting with pg_ are reserved by PostgreSQL");
        }
        for (InletRole group : InletRole.values()) {
            if (group.groupName().equals(name)) {
                throw new IllegalArgumentException("login user '" + name + "': that is a group role, choose a name of its own");
            }
        }
        if (role == null) {
            throw new IllegalArgumentException("login user '" + name + "': no role");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("login user '" + name + "': the password is empty");
        }
        if (password.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("login user '" + name + "': the password contains a NUL character");
        }
    }

    @Override
    public String toString() {
        return "LoginUser[name=" + name + ", role=" + role + ", password=***]";
    }
}
