package io.inlet.read;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@code subscriptions} table: add, look up, list with lag, remove. */
public final class Subscriptions {

    /** Lag is counted up to this many events per subscription, so status stays cheap on a long backfill. */
    public static final int LAG_COUNT_CAP = 100_000;
    /** First key of the subscriptions' advisory locks in the two-int key space ("InSb"; the event store uses "InLt", "InP"). */
    static final int LOCK_KEY = 0x496e5362;

    /** What to add. */
    public record AddRequest(String name, String destination, SubscriptionStart from, List<String> types, AsVersions asVersions) {
        public AddRequest {
            types = List.copyOf(types);
            java.util.Objects.requireNonNull(asVersions, "asVersions");
        }

        /** Every event at its stored version. */
        public AddRequest(String name, String destination, SubscriptionStart from, List<String> types) {
            this(name, destination, from, types, AsVersions.NONE);
        }
    }

    /** Thrown when the name is taken or invalid: a usage error. */
    public static final class SubscriptionException extends RuntimeException {
        public SubscriptionException(String message) {
            super(message);
        }
    }

    private static final String COLUMNS = "name, destination, event_types, start_from, from_position, from_time, start_tx::text, "
            + "start_position, checkpoint_tx::text, checkpoint_position, delivered, created_at, last_run_at, caught_up_at, last_error, schema_versions";

    /**
     * Adds a subscription, resolving its start to a checkpoint: the beginning, the given checkpoint,
     * or just before the first event at/after the position or time (and never after the oldest
     * transaction still running, whose events may yet land there).
     */
    public Subscription add(Connection c, AddRequest r) throws SQLException {
        if (!r.name().matches("[a-z0-9][a-z0-9_.-]{0,62}")) {
            throw new SubscriptionException("subscription name '" + r.name() + "' is invalid: lower-case letters, digits, '_', '.', '-', "
                    + "starting with a letter or digit, at most 63 characters");
        }
        if (r.destination() == null || r.destination().isBlank()) throw new SubscriptionException("--destination is empty");
        if (find(c, r.name()).isPresent()) throw new SubscriptionException("subscription '" + r.name() + "' exists already");
        Long fromPosition = r.from() instanceof SubscriptionStart.AtPosition p ? p.position() : null;
        Instant fromTime = r.from() instanceof SubscriptionStart.AtTime t ? t.time() : null;
        Checkpoint start;
        if (r.from() instanceof SubscriptionStart.After a) {
            start = a.checkpoint();
        } else if (fromPosition != null) {
            start = justBeforeFirst(c, "position >= ?", ps -> ps.setLong(1, fromPosition));
        } else if (fromTime != null) {
            start = justBeforeFirst(c, "recorded_at >= ?", ps -> ps.setTimestamp(1, Timestamp.from(fromTime)));
        } else {
            start = Checkpoint.BEGINNING;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO subscriptions (name, destination, event_types, start_from, from_position, from_time,
                                           start_tx, start_position, checkpoint_tx, checkpoint_position, schema_versions)
                VALUES (?, ?, ?, ?, ?, ?, ?::xid8, ?, ?::xid8, ?, ?)""")) {
            ps.setString(1, r.name());
            ps.setString(2, r.destination());
            ps.setArray(3, c.createArrayOf("text", r.types().toArray()));
            ps.setString(4, r.from().describe());
            ps.setObject(5, fromPosition);
            ps.setTimestamp(6, fromTime == null ? null : Timestamp.from(fromTime));
            ps.setString(7, Long.toString(start.tx()));
            ps.setLong(8, start.position());
            ps.setString(9, Long.toString(start.tx()));
            ps.setLong(10, start.position());
            ps.setString(11, r.asVersions().toString());
            ps.executeUpdate();
        }
        return find(c, r.name()).orElseThrow();
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private static Checkpoint justBeforeFirst(Connection c, String condition, Binder binder) throws SQLException {
        Checkpoint horizon;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_snapshot_xmin(pg_current_snapshot())::text");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            horizon = new Checkpoint(Long.parseLong(rs.getString(1)), 0);
        }
        Checkpoint best = horizon;
        for (String table : EventReader.eventTables(c)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT tx::text, position FROM \"" + table + "\" WHERE " + condition
                    + " ORDER BY tx, position LIMIT 1")) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        Checkpoint before = new Checkpoint(Long.parseLong(rs.getString(1)), rs.getLong(2) - 1);
                        if (before.isBefore(best)) best = before;
                    }
                }
            }
        }
        return best;
    }

    public Optional<Subscription> find(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM subscriptions WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** Every subscription, least recently run first (so a run shares its time fairly). */
    public List<Subscription> list(Connection c) throws SQLException {
        List<Subscription> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM subscriptions "
                + "ORDER BY last_run_at NULLS FIRST, name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(row(rs));
        }
        return out;
    }

    /**
     * Removes a subscription: waits for a slice of it in flight to finish (it holds the
     * subscription's lock), then deletes it, so no slice runs after this returns.
     *
     * @return false when there was none of that name
     */
    public boolean remove(Connection c, String name) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            lock.setInt(1, LOCK_KEY);
            lock.setString(2, name);
            lock.execute();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM subscriptions WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() == 1;
        }
    }

    /** Status and lag of each subscription. */
    public List<SubscriptionStatus> status(Connection c) throws SQLException {
        List<SubscriptionStatus> out = new ArrayList<>();
        List<String> tables = EventReader.eventTables(c);
        List<Subscription> all = new ArrayList<>(list(c));
        all.sort(java.util.Comparator.comparing(Subscription::name));
        for (Subscription s : all) {
            long behind = 0;
            Instant oldest = null;
            for (String table : tables) {
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT (SELECT count(*) FROM (SELECT 1 FROM "%1$s" e WHERE (e.tx, e.position) > (?::xid8, ?) AND %2$s LIMIT ?) x),
                               (SELECT e.recorded_at FROM "%1$s" e WHERE (e.tx, e.position) > (?::xid8, ?) AND %2$s
                                ORDER BY e.tx, e.position LIMIT 1)""".formatted(table, filter("e")))) {
                    int i = 1;
                    i = bindCheckpoint(ps, i, s.checkpoint());
                    i = bindFilter(c, ps, i, s);
                    ps.setInt(i++, LAG_COUNT_CAP);
                    i = bindCheckpoint(ps, i, s.checkpoint());
                    bindFilter(c, ps, i, s);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        behind += rs.getLong(1);
                        Timestamp at = rs.getTimestamp(2);
                        if (at != null && (oldest == null || at.toInstant().isBefore(oldest))) oldest = at.toInstant();
                    }
                }
            }
            Instant now = now(c);
            long age = oldest == null ? 0 : Math.max(0, now.getEpochSecond() - oldest.getEpochSecond());
            SubscriptionStatus.State state = s.lastError() != null ? SubscriptionStatus.State.FAILING
                    : s.caughtUpAt() != null ? SubscriptionStatus.State.LIVE : SubscriptionStatus.State.BACKFILLING;
            out.add(new SubscriptionStatus(s, state, Math.min(behind, LAG_COUNT_CAP), behind >= LAG_COUNT_CAP, age));
        }
        return out;
    }

    /** The subscription's bounds and types as SQL over the alias (binds: types, types, from position x2, from time x2). */
    static String filter(String alias) {
        return ("(cardinality(?::text[]) = 0 OR %1$s.event_type = ANY (?::text[])) AND (?::bigint IS NULL OR %1$s.position >= ?::bigint) "
                + "AND (?::timestamptz IS NULL OR %1$s.recorded_at >= ?::timestamptz)").formatted(alias);
    }

    static int bindFilter(Connection c, PreparedStatement ps, int i, Subscription s) throws SQLException {
        Array types = c.createArrayOf("text", s.types().toArray());
        ps.setArray(i++, types);
        ps.setArray(i++, types);
        ps.setObject(i++, s.fromPosition(), java.sql.Types.BIGINT);
        ps.setObject(i++, s.fromPosition(), java.sql.Types.BIGINT);
        Timestamp from = s.fromTime() == null ? null : Timestamp.from(s.fromTime());
        ps.setTimestamp(i++, from);
        ps.setTimestamp(i++, from);
        return i;
    }

    static int bindCheckpoint(PreparedStatement ps, int i, Checkpoint at) throws SQLException {
        ps.setString(i++, Long.toString(at.tx()));
        ps.setLong(i++, at.position());
        return i;
    }

    private static Instant now(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT now()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    private static Subscription row(ResultSet rs) throws SQLException {
        Array types = rs.getArray("event_types");
        long fromPosition = rs.getLong("from_position");
        Long from = rs.wasNull() ? null : fromPosition;
        return new Subscription(rs.getString("name"), rs.getString("destination"),
                Arrays.asList((String[]) types.getArray()), rs.getString("start_from"), from,
                instant(rs.getTimestamp("from_time")),
                new Checkpoint(Long.parseLong(rs.getString("start_tx")), rs.getLong("start_position")),
                new Checkpoint(Long.parseLong(rs.getString("checkpoint_tx")), rs.getLong("checkpoint_position")),
                rs.getLong("delivered"), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("last_run_at")),
                instant(rs.getTimestamp("caught_up_at")), rs.getString("last_error"),
                AsVersions.parse(List.of(rs.getString("schema_versions"))));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
