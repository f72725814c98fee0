package io.inlet.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Claims outbox rows so that each (destination, stream) goes out in outbox order whatever fails and
 * however many relays run: a row is claimed only as the <em>head</em> of its stream (no earlier row
 * of the stream for that destination is unpublished and unreleased), or as one of the rows that
 * directly follow a head this claim holds. A failed or blocked row stays unpublished and so keeps its
 * stream's later rows waiting, across claims, runs and relays.
 *
 * <p>Why this is safe with {@code SKIP LOCKED}: a relay holding row n has not committed, so row n is
 * unpublished in every other relay's snapshot and row n+1 is no head for them; head-ness, once true,
 * stays true (published and released are final), so it cannot be lost between the read and the lock.
 *
 * <p>Steps, all in the caller's transaction:
 * <ol>
 *   <li>Read a window of due rows (claim order) without locks, a page at a time (a batch, then twice
 *       as many, up to {@link #WINDOW_FACTOR} batches in all, until the batch is claimed); for each, its stream's first
 *       unfinished row. A head is a candidate; a follower whose head is due makes that head a
 *       candidate (a head retried later than its followers sits behind them in claim order); a follower
 *       whose head is backing off or blocked is <em>deferred</em>: its {@code available_at} is moved to
 *       the head's, so held streams leave the window instead of filling it.</li>
 *   <li>Lock up to a batch of the candidates {@code FOR UPDATE SKIP LOCKED} (those other relays hold
 *       are passed over), checking again that each is a due head.</li>
 *   <li>Fill the batch with the rows that follow each locked head, in order, stopping a stream at the
 *       first row another transaction holds or that is blocked.</li>
 * </ol>
 */
final class StreamHeadClaim {

    /** Due rows read per claim at most, as a multiple of the batch size (read in pages, stopping once the batch is claimed). */
    static final int WINDOW_FACTOR = 10;

    /** One claimed row, as stored. */
    record Row(long id, String destination, String table, UUID eventId, String type, String stream, String payload,
               Timestamp created) {
    }

    /** The rows claimed, in outbox order, and how many followers of held streams were deferred. */
    record Claimed(List<Row> rows, int deferred) {
    }

    private record Candidate(long id, String destination, String stream, Long headId, Timestamp headDue, boolean headBlocked,
                             Timestamp due) {
        boolean isHead() {
            return headId == null;
        }
    }

    private static final String COLUMNS =
            "o.outbox_id, o.destination, o.event_table, o.event_id, o.event_type, o.stream_id, o.payload::text, o.created_at";

    // The first unfinished row of o's stream: the first entry of outbox_stream_hold_idx at or after
    // (destination, stream_id, 0). Written as that start key alone, so only that index can answer it
    // in one descent: with equalities plus "outbox_id < x" the planner walks the primary key past every
    // published row kept for the retention, and a row-comparison upper bound does not stop a btree scan
    // (1.8 s, 10 s and 27 s a claim at 100k rows, measured). Null streams have no first row: each is a head.
    private static final String FIRST_OF_STREAM = """
            SELECT p.outbox_id, p.available_at, p.blocked_at FROM outbox p
            WHERE (p.destination, p.stream_id, p.outbox_id) >= (o.destination, o.stream_id, 0)
              AND p.published_at IS NULL AND p.released_at IS NULL
            ORDER BY p.destination, p.stream_id, p.outbox_id LIMIT 1""";

    Claimed claim(Connection c, int limit, Timestamp dueBy, Timestamp blockedHoldUntil) throws SQLException {
        return claim(c, limit, dueBy, blockedHoldUntil, Set.of());
    }

    /**
     * As {@link #claim(Connection, int, Timestamp, Timestamp)} in a transaction that already holds
     * {@code inFlight}: rows claimed earlier in it and not yet marked (being sent). They are never
     * claimed again, and no row of their streams is taken: each of them is its stream's first
     * unfinished row, so the rows behind it wait until it is marked published (or failed).
     */
    Claimed claim(Connection c, int limit, Timestamp dueBy, Timestamp blockedHoldUntil, Set<Long> inFlight) throws SQLException {
        // The window is read a page at a time and a page's heads are locked before the next page is read:
        // a claim that fills its batch from the first rows reads (and looks up the streams of) about a
        // batch of rows, not WINDOW_FACTOR batches (measured: the look-ups were most of a claim's time).
        // Pages double, so rows other relays hold or held streams ahead of the due ones cost few round trips.
        int maxWindow = limit * WINDOW_FACTOR;
        int page = limit;
        int read = 0;
        Candidate last = null;
        Set<Long> tried = new HashSet<>(inFlight); // a follower's head this transaction is sending: the follower waits for its mark
        Map<Long, Timestamp> deferrals = new LinkedHashMap<>();
        List<Row> claimed = new ArrayList<>();
        Set<Long> claimedIds = new HashSet<>();
        List<Long> followersOf = new ArrayList<>(); // for each follower read, its stream's first unfinished row
        while (true) {
            int size = Math.min(page, maxWindow - read);
            List<Candidate> window = window(c, size, dueBy, inFlight, last);
            Set<Long> heads = new LinkedHashSet<>();
            for (Candidate w : window) {
                if (w.isHead()) {
                    heads.add(w.id());
                } else if (w.headBlocked()) {
                    deferrals.put(w.id(), blockedHoldUntil);
                } else if (!w.headDue().after(dueBy)) {
                    heads.add(w.headId());
                } else {
                    deferrals.put(w.id(), w.headDue());
                }
            }
            heads.removeAll(tried); // each head is offered to the lock once per claim
            tried.addAll(heads);
            for (Row r : lockHeads(c, List.copyOf(heads), limit - claimed.size(), dueBy)) {
                claimed.add(r);
                claimedIds.add(r.id());
            }
            for (Candidate w : window) {
                if (!w.isHead()) followersOf.add(w.headId());
            }
            // rows already read that follow a claimed head: the followers step takes them (a long stream
            // fills the batch from one head, without reading further pages)
            long following = followersOf.stream().filter(claimedIds::contains).count();
            read += window.size();
            if (claimed.size() + following >= limit || window.size() < size || read >= maxWindow) break;
            last = window.get(window.size() - 1);
            page *= 2;
        }
        List<Row> rows = new ArrayList<>(claimed);
        if (rows.size() < limit) rows.addAll(followers(c, claimed, limit - rows.size(), dueBy, inFlight));
        rows.sort((a, b) -> Long.compare(a.id(), b.id()));
        int deferred = defer(c, deferrals);
        return new Claimed(rows, deferred);
    }

    /** Due rows in claim order, after {@code after} (null: from the first), with their stream's first unfinished row. */
    private static List<Candidate> window(Connection c, int size, Timestamp dueBy, Set<Long> inFlight, Candidate after)
            throws SQLException {
        List<Candidate> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                WITH w AS (
                    SELECT outbox_id, destination, stream_id, available_at FROM outbox
                    WHERE published_at IS NULL AND released_at IS NULL AND blocked_at IS NULL AND available_at <= ?
                      AND outbox_id <> ALL (?)""" + (after == null ? "" : " AND (available_at, outbox_id) > (?, ?)") + """

                    ORDER BY available_at, outbox_id LIMIT ?),
                -- one look-up per stream of the window, not per row (a long stream fills the window)
                firsts AS (
                    SELECT h.* FROM (SELECT DISTINCT destination, stream_id FROM w WHERE stream_id IS NOT NULL) o
                    CROSS JOIN LATERAL (""" + FIRST_OF_STREAM.replace("SELECT p.outbox_id,", "SELECT p.destination, p.stream_id, p.outbox_id,") + """
                    ) h)
                SELECT w.outbox_id, w.destination, w.stream_id, f.outbox_id, f.available_at, f.blocked_at IS NOT NULL, w.available_at
                FROM w LEFT JOIN firsts f
                  ON f.destination = w.destination AND f.stream_id = w.stream_id AND f.outbox_id < w.outbox_id
                ORDER BY w.available_at, w.outbox_id""")) {
            int i = 1;
            ps.setTimestamp(i++, dueBy);
            ps.setArray(i++, c.createArrayOf("bigint", inFlight.toArray()));
            if (after != null) {
                ps.setTimestamp(i++, after.due());
                ps.setLong(i++, after.id());
            }
            ps.setInt(i, size);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long headId = rs.getLong(4);
                    boolean hasHead = !rs.wasNull();
                    out.add(new Candidate(rs.getLong(1), rs.getString(2), rs.getString(3), hasHead ? headId : null,
                            rs.getTimestamp(5), rs.getBoolean(6), rs.getTimestamp(7)));
                }
            }
        }
        return out;
    }

    private static List<Row> lockHeads(Connection c, List<Long> ids, int limit, Timestamp dueBy) throws SQLException {
        if (ids.isEmpty()) return List.of();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM outbox o "
                + "WHERE o.outbox_id = ANY (?) AND o.published_at IS NULL AND o.released_at IS NULL "
                + "AND o.blocked_at IS NULL AND o.available_at <= ? "
                + "AND (o.stream_id IS NULL OR o.outbox_id = (SELECT first.outbox_id FROM (" + FIRST_OF_STREAM + ") first)) "
                + "ORDER BY o.outbox_id LIMIT ? FOR UPDATE OF o SKIP LOCKED")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            ps.setTimestamp(2, dueBy);
            ps.setInt(3, limit);
            return rows(ps);
        }
    }

    /** The rows right behind each locked head, in order, up to {@code budget} in all. */
    private static List<Row> followers(Connection c, List<Row> heads, int budget, Timestamp dueBy, Set<Long> inFlight)
            throws SQLException {
        List<Row> streamHeads = heads.stream().filter(h -> h.stream() != null).toList();
        if (streamHeads.isEmpty() || budget <= 0) return List.of();
        // rows of the heads' streams in order; a row counts only if every row before it does
        Map<Long, List<long[]>> byHead = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT h.outbox_id, f.outbox_id, (f.blocked_at IS NULL AND f.created_at <= ?)
                FROM outbox h
                CROSS JOIN LATERAL (
                    SELECT f.outbox_id, f.destination, f.stream_id, f.blocked_at, f.created_at FROM outbox f
                    WHERE (f.destination, f.stream_id, f.outbox_id) > (h.destination, h.stream_id, h.outbox_id)
                      AND f.published_at IS NULL AND f.released_at IS NULL
                    ORDER BY f.destination, f.stream_id, f.outbox_id LIMIT ?) f
                WHERE h.outbox_id = ANY (?) AND f.destination = h.destination AND f.stream_id = h.stream_id
                ORDER BY h.outbox_id, f.outbox_id""")) {
            ps.setTimestamp(1, dueBy);
            ps.setInt(2, budget);
            ps.setArray(3, c.createArrayOf("bigint", streamHeads.stream().map(Row::id).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byHead.computeIfAbsent(rs.getLong(1), h -> new ArrayList<>())
                            .add(new long[] {rs.getLong(2), rs.getBoolean(3) ? 1 : 0});
                }
            }
        }
        // the budget goes round the streams, one row each per round, so one long stream does not take it all
        List<Long> wanted = new ArrayList<>();
        Set<Long> stopped = new java.util.HashSet<>();
        for (int round = 0; wanted.size() < budget && stopped.size() < streamHeads.size(); round++) {
            for (Row h : streamHeads) {
                List<long[]> next = byHead.getOrDefault(h.id(), List.of());
                if (stopped.contains(h.id()) || wanted.size() == budget) continue;
                if (round >= next.size() || next.get(round)[1] == 0 || inFlight.contains(next.get(round)[0])) {
                    stopped.add(h.id());
                } else {
                    wanted.add(next.get(round)[0]);
                }
            }
        }
        if (wanted.isEmpty()) return List.of();
        Map<Long, Row> locked = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM outbox o "
                + "WHERE o.outbox_id = ANY (?) AND o.published_at IS NULL AND o.released_at IS NULL AND o.blocked_at IS NULL "
                + "ORDER BY o.outbox_id FOR UPDATE OF o SKIP LOCKED")) {
            ps.setArray(1, c.createArrayOf("bigint", wanted.toArray()));
            for (Row r : rows(ps)) locked.put(r.id(), r);
        }
        // a stream stops at the first row another transaction holds: nothing after it may go first
        List<Row> out = new ArrayList<>();
        for (Row h : streamHeads) {
            for (long[] f : byHead.getOrDefault(h.id(), List.of())) {
                Row r = locked.get(f[0]);
                if (r == null) break;
                out.add(r);
            }
        }
        return out;
    }

    /** Moves followers of held streams behind their head's retry time; rows another transaction holds are left alone. */
    private static int defer(Connection c, Map<Long, Timestamp> deferrals) throws SQLException {
        if (deferrals.isEmpty()) return 0;
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE outbox o SET available_at = d.until
                FROM unnest(?::bigint[], ?::text[]::timestamptz[]) AS d(outbox_id, until)
                WHERE o.outbox_id = d.outbox_id AND o.available_at < d.until
                  AND o.outbox_id IN (SELECT l.outbox_id FROM outbox l WHERE l.outbox_id = ANY (?)
                                        AND l.published_at IS NULL AND l.released_at IS NULL FOR UPDATE SKIP LOCKED)""")) {
            Collection<Long> ids = deferrals.keySet();
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            ps.setArray(2, c.createArrayOf("text", deferrals.values().stream().map(t -> t.toInstant().toString()).toArray()));
            ps.setArray(3, c.createArrayOf("bigint", ids.toArray()));
            return ps.executeUpdate();
        }
    }

    private static List<Row> rows(PreparedStatement ps) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), (UUID) rs.getObject(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getTimestamp(8)));
            }
        }
        return out;
    }
}
