package io.inlet.simulation;

import io.inlet.feed.FeedRegistry;
import io.inlet.simulation.MemoryBroker.Accepted;
import io.inlet.simulation.Scenario.Key;
import io.inlet.simulation.Scenario.Message;
import io.inlet.simulation.Scenario.Row;
import io.inlet.simulation.Scenario.Version;
import io.inlet.verify.InvariantChecks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What must hold after a scenario, checked against the scenario itself (the model), not against
 * what the code under test computed:
 * <ol>
 *   <li>each key's newest ledger row (by the model's order of its tokens: S3's right-pad rule, GCS
 *       numbers; a removal after the create of its own generation) is its newest version's: that
 *       version COMPLETED, or its removal REMOVED;</li>
 *   <li>every record of every ingested version is exactly once an event or a rejected record, the
 *       ledger's counts say so, and a version never ingested (stale) left no event; every business
 *       event is exactly one event, however often its message was delivered or resent;</li>
 *   <li>every derived event of the scenario reached the broker at least once;</li>
 *   <li>each stream reached each destination in version order (first arrivals);</li>
 *   <li>the invariant checks of {@code inlet verify} pass.</li>
 * </ol>
 */
final class ModelChecks {

    private final DataSource ds;
    private final FeedRegistry feeds;
    private final Scenario s;
    private final long outboxBefore;
    private final List<Accepted> accepted;
    private final List<String> problems = new ArrayList<>();

    ModelChecks(DataSource ds, FeedRegistry feeds, Scenario s, long outboxBefore, List<Accepted> accepted) {
        this.ds = ds;
        this.feeds = feeds;
        this.s = s;
        this.outboxBefore = outboxBefore;
        this.accepted = accepted;
    }

    List<String> run() {
        try (Connection c = ds.getConnection()) {
            Map<String, Long> events = eventsById(c);
            for (Key k : s.keys()) checkKey(c, k, events);
            for (Message m : s.messages()) {
                long n = events.getOrDefault(m.id(), 0L);
                if (n != 1) problems.add("business event " + m.id() + " stored " + n + " times, expected once");
            }
            checkDerived(c);
        } catch (SQLException e) {
            problems.add("checks failed on the database: " + e);
        }
        for (InvariantChecks.Result result : new InvariantChecks(ds, feeds, InvariantChecks.Budgets.DEFAULTS).run()) {
            if (!result.holds()) problems.add("inlet verify: " + result.check() + " " + result.scope() + ": " + result.violations());
        }
        return problems;
    }

    /** Events of this seed (its streams) by the record id in their payload. */
    private Map<String, Long> eventsById(Connection c) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT payload->>'id', count(*) FROM sim_events WHERE stream_id = ANY (?) GROUP BY 1")) {
            ps.setArray(1, c.createArrayOf("text", s.streams().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    private record LedgerRow(long fileId, String version, String etag, String status, String sequencer, long read,
                             long appended, long duplicate, long rejected) {
    }

    private void checkKey(Connection c, Key k, Map<String, Long> events) throws SQLException {
        List<LedgerRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT file_id, version_id, etag, status, sequencer, records_read, appended, duplicate, rejected
                FROM ingested_files WHERE bucket = ? AND object_key = ?""")) {
            ps.setString(1, Scenario.BUCKET);
            ps.setString(2, k.key());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new LedgerRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9)));
                }
            }
        }
        String where = "key " + k.key() + " (" + k.cloud() + ", history " + history(k) + ")";
        // 1. the newest row by the model's order is the newest version's
        LedgerRow newest = null;
        for (LedgerRow row : rows) {
            if (row.sequencer() == null) {
                problems.add(where + ": ledger row " + row.fileId() + " has no sequencer");
                continue;
            }
            if (newest == null || later(k, row, newest)) newest = row;
        }
        Version want = k.newest();
        String expected = (want.delete() ? "REMOVED " : "COMPLETED ") + want.version();
        String actual = newest == null ? "no row" : newest.status() + " " + newest.version();
        if (!expected.equals(actual)) problems.add(where + ": newest ledger row is " + actual + ", expected " + expected);
        // 2. records of each create: exactly once an event or a rejection
        for (Version v : k.history()) {
            if (v.delete()) continue;
            LedgerRow row = rows.stream().filter(x -> !x.status().equals("REMOVED") && x.version().equals(v.version()))
                    .findFirst().orElse(null);
            long valid = v.rows().stream().filter(Row::valid).count();
            long invalid = v.rows().size() - valid;
            if (row == null) {
                // never ingested: stale when it arrived; it must not be the newest and it left nothing
                if (v == want) problems.add(where + ": the newest version " + v.version() + " was never ingested");
                for (Row r : v.rows()) {
                    if (events.containsKey(r.id())) problems.add(where + ": stale version " + v.version() + " left event " + r.id());
                }
                continue;
            }
            if (!row.status().equals("COMPLETED")) {
                problems.add(where + ": version " + v.version() + " ended " + row.status());
                continue;
            }
            for (Row r : v.rows()) {
                long n = events.getOrDefault(r.id(), 0L);
                if (n != (r.valid() ? 1 : 0)) {
                    problems.add(where + ": record " + r.id() + (r.valid() ? " (valid)" : " (invalid)") + " stored as " + n + " events");
                }
            }
            long rejections = count(c, "SELECT count(*) FROM rejected_records WHERE file_id = ?", row.fileId());
            if (rejections != invalid) {
                problems.add(where + ": version " + v.version() + " has " + rejections + " rejected records, expected " + invalid);
            }
            if (row.read() != v.rows().size() || row.appended() + row.duplicate() != valid || row.rejected() != invalid) {
                problems.add(where + ": version " + v.version() + " counts read " + row.read() + " appended " + row.appended()
                        + " duplicate " + row.duplicate() + " rejected " + row.rejected() + ", expected " + v.rows().size()
                        + " records, " + valid + " valid, " + invalid + " invalid");
            }
        }
    }

    /** Whether {@code a} is later in the key's history than {@code b}, by the model's rule. */
    private static boolean later(Key k, LedgerRow a, LedgerRow b) {
        int byToken = Scenario.tokenOrder(k.cloud()).compare(a.sequencer(), b.sequencer());
        if (byToken != 0) return byToken > 0;
        return a.status().equals("REMOVED") && !b.status().equals("REMOVED"); // a generation's delete follows its finalize
    }

    private void checkDerived(Connection c) throws SQLException {
        record Row(long outboxId, String destination, UUID eventId, String stream, long rank, boolean published) {
        }
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT o.outbox_id, o.destination, o.event_id, o.stream_id, coalesce(e.stream_version, o.outbox_id),
                       o.published_at IS NOT NULL
                FROM outbox o LEFT JOIN sim_events e ON o.event_table = 'sim_events' AND e.event_id = o.event_id
                WHERE o.outbox_id > ? ORDER BY o.outbox_id""")) {
            ps.setLong(1, outboxBefore);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2), (UUID) rs.getObject(3), rs.getString(4), rs.getLong(5),
                            rs.getBoolean(6)));
                }
            }
        }
        Set<String> reached = new HashSet<>();
        for (Accepted a : accepted) reached.add(a.destination() + " " + a.eventId());
        Map<String, Long> rank = new HashMap<>();
        for (Row r : rows) {
            rank.put(r.destination() + " " + r.eventId(), r.rank());
            if (!r.published()) problems.add("outbox row " + r.outboxId() + " (" + r.destination() + ", " + r.stream() + ") never published");
            if (!reached.contains(r.destination() + " " + r.eventId())) {
                problems.add("derived event " + r.eventId() + " for " + r.destination() + " (stream " + r.stream()
                        + ") never reached the broker");
            }
        }
        // each stream at each destination: first arrivals in version order
        Map<String, Long> lastRank = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Accepted a : accepted) {
            String id = a.destination() + " " + a.eventId();
            if (!seen.add(id)) continue;
            Long r = rank.get(id);
            if (r == null) continue;
            String stream = a.destination() + " / " + a.streamId();
            Long before = lastRank.put(stream, r);
            if (before != null && before > r) {
                problems.add("stream " + stream + " reached the broker out of order: version " + r + " (outbox row "
                        + a.outboxId() + ") after version " + before);
            }
        }
    }

    private static long count(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String history(Key k) {
        StringBuilder b = new StringBuilder();
        for (Version v : k.history()) {
            if (b.length() > 0) b.append(", ");
            b.append(v.delete() ? "delete " : "create ").append(v.version()).append('@').append(v.token());
        }
        return b.toString();
    }
}
