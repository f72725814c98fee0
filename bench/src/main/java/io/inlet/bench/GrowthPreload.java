package io.inlet.bench;

import io.inlet.event.EventIds;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Grows the event table by COPY of generated order events, the way a table that has been taking
 * files for a while looks: ids are UUIDv5 of an order id under a feed (random over the key space,
 * as Inlet's are), each event on a stream drawn uniformly from the streams, versions continuing
 * each stream's head gaplessly, payloads of the orders file's shape and size.
 *
 * <p>Loading tens of millions of rows through the unique indexes row by row takes longer than the
 * benchmark may, so the table's indexes are dropped for the COPY and built again after it, from
 * their own definitions (whatever the migrations made): a B-tree built by sort packs its leaves
 * 90 % full, as after a REINDEX or a restore, where one grown by random inserts sits nearer 70 %.
 * Then VACUUM (ANALYZE), as autovacuum would have done by then (it sets the visibility map the
 * stream-head lookup's index-only scan relies on), and a CHECKPOINT. The rebuilt unique indexes
 * also check the preload: a wrongly numbered version fails the build.
 */
final class GrowthPreload {

    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private static final String[] CURRENCIES = {"EUR", "EUR", "EUR", "USD", "GBP", "PLN"};
    private static final String[] STATUSES = {"placed", "paid", "paid", "shipped", "delivered", "cancelled"};
    private static final String NOTE = "leave at the back door ring twice call on arrival fragile glass handle with care ";

    private final DataSource ds;
    private final String table;
    private final GrowthStreams streams;
    private final SplittableRandom random;
    private long generated;

    GrowthPreload(DataSource ds, String table, GrowthStreams streams, long seed) {
        this.ds = ds;
        this.table = table;
        this.streams = streams;
        this.random = new SplittableRandom(seed);
    }

    /** What one preload did, and how long each part took. */
    record Done(long rows, double copySeconds, double indexSeconds, double vacuumSeconds) {
    }

    /** Appends {@code rows} events spread over the first {@code activeStreams} streams. */
    Done load(long rows, int activeStreams) throws SQLException {
        if (activeStreams > streams.size()) throw new IllegalArgumentException(activeStreams + " streams > " + streams.size());
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            List<String> rebuild = dropIndexes(st);
            long t0 = System.nanoTime();
            copy(c, rows, activeStreams);
            long t1 = System.nanoTime();
            st.execute("SET maintenance_work_mem = '512MB'");
            for (String ddl : rebuild) st.execute(ddl);
            long t2 = System.nanoTime();
            st.execute("VACUUM (ANALYZE) " + table);
            st.execute("CHECKPOINT");
            long t3 = System.nanoTime();
            return new Done(rows, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
        }
    }

    /** Drops the table's indexes and returns the statements that build them again. */
    private List<String> dropIndexes(Statement st) throws SQLException {
        List<String> rebuild = new ArrayList<>(), drop = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("""
                SELECT c.conname, pg_get_constraintdef(c.oid), NULL FROM pg_constraint c
                WHERE c.conrelid = '%1$s'::regclass AND c.contype IN ('p', 'u')
                UNION ALL
                SELECT i.relname, NULL, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                WHERE x.indrelid = '%1$s'::regclass
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""".formatted(table))) {
            while (rs.next()) {
                if (rs.getString(2) != null) {
                    drop.add("ALTER TABLE " + table + " DROP CONSTRAINT " + rs.getString(1));
                    rebuild.add("ALTER TABLE " + table + " ADD CONSTRAINT " + rs.getString(1) + " " + rs.getString(2));
                } else {
                    drop.add("DROP INDEX " + rs.getString(1));
                    rebuild.add(rs.getString(3));
                }
            }
        }
        for (String ddl : drop) st.execute(ddl);
        return rebuild;
    }

    private void copy(Connection c, long rows, int activeStreams) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table
                + " (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) FROM STDIN");
        try {
            ByteArrayOutputStream chunk = new ByteArrayOutputStream(1 << 21);
            for (long i = 0; i < rows; i++) {
                byte[] row = row(++generated, random.nextInt(activeStreams));
                chunk.write(row, 0, row.length);
                if (chunk.size() >= 1 << 20) {
                    in.writeToCopy(chunk.toByteArray(), 0, chunk.size());
                    chunk.reset();
                }
            }
            if (chunk.size() > 0) in.writeToCopy(chunk.toByteArray(), 0, chunk.size());
            long copied = in.endCopy();
            if (copied != rows) throw new IllegalStateException("preload copied " + copied + " rows, expected " + rows);
        } finally {
            if (in.isActive()) in.cancelCopy();
        }
    }

    private byte[] row(long n, int k) {
        String orderId = "PRE-" + n;
        String stream = streams.id(k);
        String customer = stream.substring("customer-".length());
        Instant at = START.plusSeconds(n);
        StringBuilder json = new StringBuilder(200);
        json.append("{\"order_id\":\"").append(orderId).append("\",\"customer\":\"").append(customer)
                .append("\",\"amount\":").append(1 + random.nextInt(2_000)).append('.').append(10 + random.nextInt(90))
                .append(",\"currency\":\"").append(CURRENCIES[random.nextInt(CURRENCIES.length)])
                .append("\",\"ordered_at\":\"").append(at).append("\",\"status\":\"")
                .append(STATUSES[random.nextInt(STATUSES.length)]).append("\",\"note\":\"");
        int start = random.nextInt(NOTE.length());
        for (int i = 0; i < 40; i++) json.append(NOTE.charAt((start + i) % NOTE.length()));
        json.append("\"}");
        CopyText row = new CopyText(400);
        row.column(EventIds.of(EventIds.columnName("preload", orderId)).toString()).column(stream)
                .column(streams.next(k)).column(OrderEventRow.EVENT_TYPE).column(at.toString())
                .column("file://preload/orders.csv@record=" + n).column(json.toString()).endRow();
        return row.utf8();
    }
}
