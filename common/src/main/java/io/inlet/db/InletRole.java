package io.inlet.db;

/**
 * The three NOLOGIN group roles V10__roles_and_grants.sql defines, each with exactly the rights one
 * kind of client needs. Login users are created {@code IN ROLE} one of them ({@link SchemaDeployment}).
 */
public enum InletRole {
    /** The ingest functions: append events, write the ledger, rejects, outbox rows, message rows. */
    INGEST("inlet_ingest"),
    /** The relay: read events, claim, mark and purge outbox rows. */
    RELAY("inlet_relay"),
    /** Analysts and dashboards: read everything, change nothing. */
    READER("inlet_reader");

    private final String groupName;

    InletRole(String groupName) {
        this.groupName = groupName;
    }

    /** The group role's name in PostgreSQL. */
    public String groupName() {
        return groupName;
    }

    /** {@code ingest}, {@code relay}, {@code reader} (case-insensitive), as settings and options name them. */
    public static InletRole fromKey(String key) {
        for (InletRole role : values()) {
            if (role.name().equalsIgnoreCase(key == null ? "" : key.trim())) return role;
        }
        throw new IllegalArgumentException("unknown role '" + key + "': expected ingest, relay or reader");
    }
}
