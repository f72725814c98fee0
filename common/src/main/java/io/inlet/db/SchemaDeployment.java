package io.inlet.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * The one database step of a deployment, whoever runs it ({@code inlet migrate}, the AWS migration
 * function, the GCP migration job): the Flyway schema, every feed's event table, and the login users
 * of Inlet's roles with the passwords the caller holds. Run it with a user that owns the schema and
 * has CREATEROLE (the RDS / Cloud SQL master user).
 *
 * <p>Idempotent: a second run applies no migration, creates no table and no user, and sets each
 * user's password to the value it already has; a changed (rotated) password is applied. Names are
 * quoted by the server ({@code format('%I')}) and passwords are hashed by the driver before they are
 * sent ({@link PGConnection#alterUserPassword}), so neither reaches the server as SQL text or its logs
 * in clear.
 */
public final class SchemaDeployment {

    private SchemaDeployment() {
    }

    public static DeploymentReport run(DataSource admin, DeploymentRequest request) {
        List<String> missingBefore = missingTables(admin, request.eventTables());
        int applied = Migrations.apply(admin, request.eventTables());
        List<DeploymentReport.LoginOutcome> users = new ArrayList<>();
        if (!request.loginUsers().isEmpty()) {
            try (Connection c = admin.getConnection()) {
                c.setAutoCommit(false);
                try {
                    for (LoginUser user : request.loginUsers()) users.add(ensure(c, user));
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create or update the login users " + names(request.loginUsers())
                        + ": " + e.getMessage(), e);
            }
        }
        return new DeploymentReport(applied, missingBefore, users);
    }

    private static List<String> names(List<LoginUser> users) {
        return users.stream().map(LoginUser::name).toList();
    }

    private static List<String> missingTables(DataSource ds, List<String> tables) {
        List<String> missing = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT to_regclass(format('%I.%I', ?::text, ?::text)) IS NULL")) {
            for (String table : tables) {
                ps.setString(1, Database.SCHEMA);
                ps.setString(2, table);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) missing.add(table);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look up event tables " + tables + ": " + e.getMessage(), e);
        }
        return missing;
    }

    /** Creates or updates one user: LOGIN, its password, member of its group role and of no other Inlet role. */
    private static DeploymentReport.LoginOutcome ensure(Connection c, LoginUser user) throws SQLException {
        boolean exists = roleExists(c, user.name());
        execute(c, exists ? "ALTER ROLE %I WITH LOGIN INHERIT"
                : "CREATE ROLE %I WITH LOGIN INHERIT", user.name());
        c.unwrap(PGConnection.class).alterUserPassword(user.name(), user.password().toCharArray(), null);
        List<InletRole> revoked = new ArrayList<>();
        for (InletRole other : InletRole.values()) {
            if (other != user.role() && isMember(c, user.name(), other.groupName())) {
                execute(c, "REVOKE %I FROM %I", other.groupName(), user.name());
                revoked.add(other);
            }
        }
        if (!isMember(c, user.name(), user.role().groupName())) {
            execute(c, "GRANT %I TO %I", user.role().groupName(), user.name());
        }
        checkNothingElse(c, user);
        return new DeploymentReport.LoginOutcome(user.name(), user.role(), !exists, revoked);
    }

    /**
     * Refuses a user that can do more than its role: a superuser, a role with CREATEROLE, CREATEDB,
     * REPLICATION or BYPASSRLS, or a member of any role besides its group (e.g. pg_read_all_data).
     * Those were given by someone else; taking them away silently could break what they are for.
     */
    private static void checkNothingElse(Connection c, LoginUser user) throws SQLException {
        List<String> extra = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls"
                + " FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, user.name());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String[] attributes = {"SUPERUSER", "CREATEROLE", "CREATEDB", "REPLICATION", "BYPASSRLS"};
                for (int i = 0; i < attributes.length; i++) {
                    if (rs.getBoolean(i + 1)) extra.add(attributes[i]);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT g.rolname FROM pg_auth_members m"
                + " JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member"
                + " WHERE u.rolname = ? AND g.rolname <> ? ORDER BY 1")) {
            ps.setString(1, user.name());
            ps.setString(2, user.role().groupName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) extra.add("member of " + rs.getString(1));
            }
        }
        if (!extra.isEmpty()) {
            throw new IllegalStateException("login user '" + user.name() + "' (role " + user.role().groupName()
                    + ") has more rights than its role: " + String.join(", ", extra)
                    + "; remove them (ALTER ROLE / REVOKE) or choose another user name");
        }
    }

    private static boolean roleExists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean isMember(Connection c, String user, String group) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_auth_members m"
                + " JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member"
                + " WHERE u.rolname = ? AND g.rolname = ?")) {
            ps.setString(1, user);
            ps.setString(2, group);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Runs {@code template} with its {@code %I} placeholders filled by the server's own identifier quoting. */
    private static void execute(Connection c, String template, String... identifiers) throws SQLException {
        StringBuilder call = new StringBuilder("SELECT format(?");
        for (int i = 0; i < identifiers.length; i++) call.append(", ?::text");
        call.append(")");
        String sql;
        try (PreparedStatement ps = c.prepareStatement(call.toString())) {
            ps.setString(1, template);
            for (int i = 0; i < identifiers.length; i++) ps.setString(i + 2, identifiers[i]);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                sql = rs.getString(1);
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
