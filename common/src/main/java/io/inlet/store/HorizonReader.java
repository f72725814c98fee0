package io.inlet.store;

import io.inlet.projection.CommittedEvents;
import io.inlet.projection.ProjectedEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A commit-safe reader by position, for the async projector until the read side's gap-safe reader
 * is wired in. Checkpoints are positions. Before reading, it waits for the appends to the table
 * in flight: in a short transaction of its own it takes all {@value EventStore#PARTITIONS}
 * partition locks of the table exclusively, in key order as every append takes its own, and
 * reads the position sequence. Every append to the table draws its positions under one of those
 * locks, so once they are all held no append is in flight and every position up to the sequence's
 * value is committed or will never exist: reading up to that horizon skips nothing. The locks are
 * released at once; appends wait for the time the horizon takes (one statement), not for the read.
 * A writer outside Inlet's locks is not covered (the same limit as the append's race referee).
 */
public final class HorizonReader implements CommittedEvents {

    private static final String HORIZON = """
            SELECT pg_advisory_xact_lock(k, ?) FROM unnest(?::int[]) AS t(k)""";

    @Override
    public String beginning() {
        return "0";
    }

    @Override
    public Page read(Connection c, String table, Set<String> types, String checkpoint, int limit) throws SQLException {
        long after = position(checkpoint);
        long horizon = horizon(c, table);
        List<io.inlet.projection.ProjectedEvent> events = new ArrayList<>();
        long last = after;
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, stream_id, stream_version, event_type, schema_version, occurred_at, "
                + "payload::text, position FROM " + table(table) + " WHERE position > ? AND position <= ? AND event_type = ANY (?) "
                + "ORDER BY position LIMIT ?")) {
            ps.setLong(1, after);
            ps.setLong(2, horizon);
            ps.setArray(3, c.createArrayOf("text", types.toArray()));
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new ProjectedEvent(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3), rs.getString(4),
                            rs.getInt(5), rs.getTimestamp(6).toInstant(), rs.getString(7)));
                    last = rs.getLong(8);
                }
            }
        }
        // a full page ends at its last event; a short one read everything up to the horizon
        return new Page(events, Long.toString(events.size() == limit ? last : Math.max(after, horizon)));
    }

    @Override
    public String latest(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(position), 0) FROM " + table(table))) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Long.toString(rs.getLong(1));
            }
        }
    }

    @Override
    public Lag lag(Connection c, String table, Set<String> types, String checkpoint) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), coalesce(extract(epoch FROM now() - min(recorded_at))::bigint, 0) FROM "
                + table(table) + " WHERE position > ? AND event_type = ANY (?)")) {
            ps.setLong(1, position(checkpoint));
            ps.setArray(2, c.createArrayOf("text", types.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Lag(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    /** The highest position of which every lower one of {@code table} is committed or will never exist. */
    static long horizon(Connection c, String table) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            Integer[] partitions = new Integer[EventStore.PARTITIONS];
            for (int i = 0; i < partitions.length; i++) partitions[i] = EventStore.PARTITION_LOCK_CLASS + i;
            try (PreparedStatement ps = c.prepareStatement(HORIZON)) {
                ps.setInt(1, EventStore.tableKey(table));
                ps.setArray(2, c.createArrayOf("int4", partitions));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // one row per lock, taken in order
                    }
                }
            }
            long horizon;
            try (PreparedStatement ps = c.prepareStatement("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM event_position_seq");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                horizon = rs.getLong(1);
            }
            c.commit();
            return horizon;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static long position(String checkpoint) {
        try {
            return Long.parseLong(checkpoint);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a position checkpoint: '" + checkpoint + "'");
        }
    }

    private static String table(String table) {
        if (!table.matches("[a-z_][a-z0-9_]{0,62}")) throw new IllegalArgumentException("invalid event table name: " + table);
        return '"' + table + '"';
    }
}
