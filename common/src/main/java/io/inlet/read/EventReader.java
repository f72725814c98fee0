package io.inlet.read;

import io.inlet.store.TransactionRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Reads events of one or more event tables after a {@link Checkpoint}, in commit-safe order: an event
 * once passed never turns up behind the checkpoint later.
 *
 * <p>Why: positions come from a sequence when a row is inserted, so a transaction can hold a lower
 * position and commit after a higher one has committed; a reader by position would pass the higher
 * one and never see the lower. Every event row carries {@code tx}, the id of the transaction that
 * wrote it (xid8, V30). One statement reads rows with {@code (tx, position) > checkpoint} and
 * {@code tx < pg_snapshot_xmin(pg_current_snapshot())}: every transaction below that horizon has
 * finished, so its rows are all visible to the statement, and any transaction still to commit has an
 * id at or above the horizon, hence above every checkpoint handed out. The cost is latency, never a
 * gap: a long-running transaction anywhere on the server holds the horizon back until it ends.
 *
 * <p>Several tables: the tables share the position sequence and the transaction ids, so one order
 * (tx, position) spans them; each table is read by an index range scan on {@code (tx, position)}
 * limited to the scan window, and the union is merged in that order. A type filter is applied inside
 * the window: rows of other types are passed over (the checkpoint moves past them) rather than
 * searched for, so each read costs at most one window per table however rare the type.
 *
 * <p>Order within a stream: (tx, position) follows a stream's versions except in one case, a
 * transaction that got its id before another appended the stream's previous version (see
 * {@code StreamOrder}, which subscriptions use to deliver in version order).
 */
public final class EventReader {

    /** Rows looked at per table and read when a type filter is given, as a multiple of the limit. */
    static final int TYPE_SCAN_FACTOR = 16;
    static final int MAX_SCAN = 20_000;

    private final TransactionRunner tx;

    public EventReader(TransactionRunner tx) {
        this.tx = tx;
    }

    /** Reads one batch in a transaction of its own. */
    public ReadBatch read(ReadRequest request) {
        return tx.inTransaction(c -> read(c, request));
    }

    /**
     * Reads one batch on the caller's connection (any isolation level: the order and the horizon come
     * from one statement's snapshot).
     *
     * @throws IllegalArgumentException when a named table is not a registered event table
     */
    public ReadBatch read(Connection c, ReadRequest request) throws SQLException {
        List<String> tables = tables(c, request.tables());
        if (tables.isEmpty()) return new ReadBatch(List.of(), request.after(), false);
        int window = scanWindow(request);
        List<ReadEvent> events = new ArrayList<>();
        Checkpoint next = request.after();
        int scanned = 0;
        try (PreparedStatement ps = c.prepareStatement(sql(tables))) {
            int i = 1;
            ps.setArray(i++, c.createArrayOf("text", request.types().toArray()));
            ps.setInt(i++, request.types().size());
            for (int t = 0; t < tables.size(); t++) {
                ps.setString(i++, Long.toString(request.after().tx()));
                ps.setLong(i++, request.after().position());
                ps.setInt(i++, window);
            }
            ps.setInt(i, window);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    scanned++;
                    Checkpoint at = new Checkpoint(Long.parseLong(rs.getString("tx")), rs.getLong("position"));
                    next = at;
                    if (rs.getBoolean("wanted")) {
                        events.add(event(rs, at));
                        if (events.size() == request.limit()) break;
                    }
                }
                boolean more = events.size() == request.limit() || scanned == window;
                return new ReadBatch(events, next, more);
            }
        }
    }

    /** The registered event tables, in name order. */
    public static List<String> eventTables(Connection c) throws SQLException {
        List<String> all = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name FROM event_tables ORDER BY table_name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) all.add(rs.getString(1));
        }
        return all;
    }

    private static List<String> tables(Connection c, List<String> asked) throws SQLException {
        List<String> registered = eventTables(c);
        if (asked.isEmpty()) return registered;
        Set<String> unknown = new TreeSet<>(asked);
        unknown.removeAll(registered);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("not an event table: " + String.join(", ", unknown)
                    + " (event tables: " + String.join(", ", registered) + ")");
        }
        return List.copyOf(new TreeSet<>(asked));
    }

    static int scanWindow(ReadRequest request) {
        if (request.types().isEmpty()) return request.limit();
        return Math.max(request.limit(), Math.min(request.limit() * TYPE_SCAN_FACTOR, MAX_SCAN));
    }

    // Table names come from event_tables, whose names create_event_table checked against
    // ^[a-z_][a-z0-9_]{0,62}$; they are quoted all the same.
    static String sql(List<String> tables) {
        StringBuilder sql = new StringBuilder("""
                WITH horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
                     wanted AS MATERIALIZED (SELECT ?::text[] AS types, ? AS n)
                SELECT u.* FROM (""");
        for (int t = 0; t < tables.size(); t++) {
            String table = tables.get(t);
            if (t > 0) sql.append("\n    UNION ALL");
            sql.append("""

                    (SELECT '%1$s' AS event_table, e.tx AS tx_order, e.tx::text AS tx, e.position, e.event_id, e.stream_id,
                            e.stream_version, e.event_type, e.schema_version, e.occurred_at, e.recorded_at,
                            e.correlation_id, e.causation_id, e.source,
                            ((SELECT n FROM wanted) = 0 OR e.event_type = ANY ((SELECT types FROM wanted)::text[])) AS wanted,
                            CASE WHEN (SELECT n FROM wanted) = 0 OR e.event_type = ANY ((SELECT types FROM wanted)::text[])
                                 THEN e.payload::text END AS payload
                     FROM "%1$s" e
                     WHERE (e.tx, e.position) > (?::xid8, ?) AND e.tx < (SELECT xmin FROM horizon)
                     ORDER BY e.tx, e.position LIMIT ?)""".formatted(table));
        }
        sql.append("\n) u ORDER BY u.tx_order, u.position LIMIT ?");
        return sql.toString();
    }

    static ReadEvent event(ResultSet rs, Checkpoint at) throws SQLException {
        return new ReadEvent(rs.getString("event_table"), at, (UUID) rs.getObject("event_id"), rs.getString("stream_id"),
                rs.getLong("stream_version"), rs.getString("event_type"), rs.getInt("schema_version"),
                rs.getTimestamp("occurred_at").toInstant(), rs.getTimestamp("recorded_at").toInstant(),
                rs.getString("correlation_id"), rs.getString("causation_id"), rs.getString("source"),
                rs.getString("payload"));
    }
}
