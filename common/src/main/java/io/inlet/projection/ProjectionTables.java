package io.inlet.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;

/**
 * A projection's table and its row in the {@code projections} catalog. Table shape: {@code stream_id}
 * (primary key), {@code stream_version} (the version of the last event applied, the guard),
 * the declared columns, {@code updated_at}. Identifiers are validated and quoted.
 */
public final class ProjectionTables {

    /** The rebuild's shadow table is the projection's table plus this suffix. */
    public static final String SHADOW_SUFFIX = "__rebuild";

    private ProjectionTables() {
    }

    /** The catalog row of a projection built in this database. */
    public record CatalogRow(String name, String table, String source, ProjectionMode mode, String definition, String checkpoint,
                             long appliedEvents, Instant lastRunAt, Instant rebuiltAt, String lastError, Instant retiredAt) {

        /** Whether it was retired ({@link ProjectionRetirement}): its table is no longer maintained. */
        public boolean retired() {
            return retiredAt != null;
        }
    }

    static String shadowOf(String table) {
        return table + SHADOW_SUFFIX;
    }

    /** Creates {@code table} with the projection's shape, granted to the roles that write and read it. */
    static void create(Connection c, Projection p, String table) throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(ProjectionWriter.quote(table)).append(" (\n")
                .append("    \"stream_id\" text NOT NULL,\n    \"stream_version\" bigint NOT NULL CHECK (\"stream_version\" >= 1),\n");
        for (Projection.Column col : p.columns()) {
            ddl.append("    ").append(ProjectionWriter.quote(col.name())).append(' ').append(col.type().sql()).append(",\n");
        }
        ddl.append("    \"updated_at\" timestamptz NOT NULL DEFAULT now(),\n    CONSTRAINT ")
                .append(ProjectionWriter.quote(table + "_pkey")).append(" PRIMARY KEY (\"stream_id\"))");
        try (Statement s = c.createStatement()) {
            s.execute(ddl.toString());
        }
        try (Statement s = c.createStatement()) {
            // both names are validated identifiers ([a-z0-9_]), so they cannot end the literal
            s.execute("COMMENT ON TABLE " + ProjectionWriter.quote(table) + " IS 'Grain: one row is one stream of "
                    + ProjectionWriter.quote(p.source()).replace("\"", "") + " as of its stream_version (projection " + p.name()
                    + "; derived from the events, rebuilt by inlet projection rebuild)'");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT grant_projection_table(?)")) {
            ps.setString(1, table);
            ps.execute();
        }
    }

    static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(format('%I.%I', current_schema(), ?::text)) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    static boolean isEventTable(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM event_tables WHERE table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The catalog row of {@code name}, locked for update when {@code lock} (waiting for a projector or rebuild holding it). */
    public static Optional<CatalogRow> catalog(Connection c, String name, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT name, table_name, source_table, mode, definition, checkpoint, applied_events, last_run_at, rebuilt_at, last_error, retired_at
                FROM projections WHERE name = ?""" + (lock ? " FOR UPDATE" : ""))) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new CatalogRow(rs.getString(1), rs.getString(2), rs.getString(3),
                        ProjectionMode.valueOf(rs.getString(4).toUpperCase(java.util.Locale.ROOT)), rs.getString(5), rs.getString(6),
                        rs.getLong(7), instant(rs, 8), instant(rs, 9), rs.getString(10), instant(rs, 11)));
            }
        }
    }

    private static Instant instant(ResultSet rs, int i) throws SQLException {
        java.sql.Timestamp t = rs.getTimestamp(i);
        return t == null ? null : t.toInstant();
    }
}
