package io.inlet.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the three index-bound parts of the append statement (EventStore's
 * one statement does all three) on one batch of new events from the file, in a transaction that is
 * rolled back: the id probe that classifies the batch (primary key), the stream-head lookup
 * ({@code max(stream_version)} through the unique stream index) and the insert with its index
 * maintenance. The batch's ids are new (a feed name of their own), its streams the file's.
 */
final class GrowthExplain {

    private GrowthExplain() {
    }

    static String explain(DataSource ds, String table, Path file, String feed, int batch, GrowthStreams streams)
            throws SQLException, IOException {
        List<OrderEventRow> rows = new ArrayList<>(batch);
        OrderEventRow.Renderer renderer = new OrderEventRow.Renderer(feed, "file://orders/explain.csv");
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser parser = IngestBench.CSV.parse(in)) {
            for (CSVRecord r : parser) {
                rows.add(renderer.render(r, rows.size() + 1));
                if (rows.size() == batch) break;
            }
        }
        String[] ids = new String[rows.size()], stream = new String[rows.size()], types = new String[rows.size()],
                at = new String[rows.size()], sources = new String[rows.size()], payloads = new String[rows.size()];
        Long[] versions = new Long[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            OrderEventRow e = rows.get(i);
            ids[i] = e.eventId().toString();
            stream[i] = e.streamId();
            versions[i] = streams.head(streams.number(e.streamId())) + e.streamVersion();
            types[i] = e.eventType();
            at[i] = e.occurredAt().toString();
            sources[i] = e.source();
            payloads[i] = e.payloadJson();
        }
        StringBuilder out = new StringBuilder();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                plan(c, out, "id probe (classify)", "SELECT count(e.payload) FROM unnest(?::uuid[]) AS i(event_id)"
                        + " LEFT JOIN " + table + " e ON e.event_id = i.event_id", c.createArrayOf("text", ids));
                plan(c, out, "stream heads", "SELECT s.stream_id, coalesce((SELECT max(e.stream_version) FROM " + table
                        + " e WHERE e.stream_id = s.stream_id), 0) FROM (SELECT DISTINCT stream_id FROM unnest(?::text[])"
                        + " AS u(stream_id)) s", c.createArrayOf("text", stream));
                plan(c, out, "insert with index maintenance", "INSERT INTO " + table
                        + " (event_id, stream_id, stream_version, event_type, occurred_at, source, payload)"
                        + " SELECT * FROM unnest(?::uuid[], ?::text[], ?::int8[], ?::text[], ?::timestamptz[], ?::text[], ?::jsonb[])",
                        c.createArrayOf("text", ids), c.createArrayOf("text", stream), c.createArrayOf("int8", versions),
                        c.createArrayOf("text", types), c.createArrayOf("text", at), c.createArrayOf("text", sources),
                        c.createArrayOf("text", payloads));
            } finally {
                c.rollback();
            }
        }
        return out.toString();
    }

    private static void plan(Connection c, StringBuilder out, String what, String sql, Object... params) throws SQLException {
        out.append("  EXPLAIN (ANALYZE, BUFFERS) ").append(what).append(":\n");
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) " + sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.append("    ").append(rs.getString(1)).append('\n');
            }
        }
    }
}
