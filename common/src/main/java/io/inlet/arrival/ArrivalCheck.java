package io.inlet.arrival;

import io.inlet.event.DerivedRoute;
import io.inlet.event.EventIds;
import io.inlet.feed.ArrivalExpectation;
import io.inlet.feed.Feed;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileSetEvent;
import io.inlet.ledger.FileSets;
import io.inlet.ledger.FileStatus;
import io.inlet.outbox.OutboxStore;
import io.inlet.store.TransactionRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled arrival check: for every feed with an {@code expect}, each slot whose deadline has
 * passed is judged against the ledger (missing, late, short), and each alert due is emitted once:
 * its row in {@code arrival_alerts} and its derived event in the outbox (to the feed's summary
 * destinations) commit in one transaction, and a row already there means the alert went out before.
 * Running the check twice emits nothing new. It also reports file sets past their timeout
 * ({@code FileSetIncomplete}, once per set). A feed's slots are judged from the first check that saw
 * its expectation ({@code arrival_watches}), looking back at most {@link #DEFAULT_LOOKBACK}.
 */
public final class ArrivalCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ArrivalCheck.class);
    /** How far back a check judges slots (a check that did not run for longer forgets the oldest). */
    public static final Duration DEFAULT_LOOKBACK = Duration.ofDays(7);
    /** The most slots judged per feed and run. */
    static final int MAX_SLOTS = 20_000;

    private final FeedRegistry feeds;
    private final TransactionRunner tx;
    private final Clock clock;
    private final Duration lookback;
    private final OutboxStore outbox = new OutboxStore();
    private final FileSets sets = new FileSets();

    public ArrivalCheck(FeedRegistry feeds, TransactionRunner tx, Clock clock) {
        this(feeds, tx, clock, DEFAULT_LOOKBACK);
    }

    public ArrivalCheck(FeedRegistry feeds, TransactionRunner tx, Clock clock, Duration lookback) {
        this.feeds = feeds;
        this.tx = tx;
        this.clock = clock;
        this.lookback = lookback;
    }

    /** Judges every expecting feed's due slots and every open file set's timeout, as of now. */
    public ArrivalReport run() {
        Instant now = clock.instant();
        List<ArrivalReport.Alert> alerts = new ArrayList<>();
        for (Feed feed : feeds.feeds()) {
            if (feed.expect() != null) alerts.addAll(tx.inTransaction(c -> check(c, feed, now)));
        }
        List<ArrivalReport.IncompleteSet> incomplete = tx.inTransaction(c -> incompleteSets(c, now));
        ArrivalReport report = new ArrivalReport(now, alerts, incomplete);
        for (ArrivalReport.Alert a : alerts) {
            LOG.atWarn().setMessage("feed {}: {} for the slot of {} ({})").addArgument(a.feed()).addArgument(a.kind())
                    .addArgument(a.slot()).addArgument(a.detail()).addKeyValue("feed", a.feed())
                    .addKeyValue("alert", a.kind().name()).addKeyValue("slot", a.slot().toString()).log();
        }
        for (ArrivalReport.IncompleteSet s : incomplete) {
            LOG.atWarn().setMessage("feed {}: file set {} ({}/{}) incomplete past its timeout: {}").addArgument(s.feed())
                    .addArgument(s.setId()).addArgument(s.bucket()).addArgument(s.prefix()).addArgument(s.reason())
                    .addKeyValue("feed", s.feed()).addKeyValue("alert", "FileSetIncomplete").log();
        }
        return report;
    }

    private List<ArrivalReport.Alert> check(Connection c, Feed feed, Instant now) throws SQLException {
        ArrivalExpectation expect = feed.expect();
        Instant since = watch(c, feed.name(), now);
        Instant judgedAfter = since.isAfter(now.minus(lookback)) ? since : now.minus(lookback);
        // slots whose deadline passed since the watch began (their windows may have opened before it)
        List<Slot> slots = Slot.judgedBetween(expect, judgedAfter, now, MAX_SLOTS);
        if (slots.isEmpty()) return List.of();
        List<Arrival> arrivals = arrivals(c, feed.name(), slots.get(0).windowStart(), now);
        Set<String> emitted = emitted(c, feed.name(), slots.get(0).at());
        List<ArrivalReport.Alert> out = new ArrayList<>();
        for (Slot slot : slots) {
            for (AlertKind kind : slot.due(arrivals, now, expect.minRecords())) {
                if (emitted.contains(slot.at() + "|" + kind)) continue;
                String detail = detail(kind, slot, arrivals, expect);
                if (emit(c, feed, slot, kind, detail)) out.add(new ArrivalReport.Alert(feed.name(), slot.at(), kind, detail));
            }
        }
        return out;
    }

    private static String detail(AlertKind kind, Slot slot, List<Arrival> arrivals, ArrivalExpectation expect) {
        List<Arrival> mine = arrivals.stream().filter(a -> slot.owns(a.at())).toList();
        return switch (kind) {
            case FileMissing -> "no file between " + slot.windowStart() + " and the deadline " + slot.deadline();
            case FileLate -> "first file " + mine.stream().min(java.util.Comparator.comparing(Arrival::at)).map(a -> a.key()
                    + " at " + a.at()).orElse("?") + ", deadline " + slot.deadline();
            case FileShort -> mine.stream().mapToLong(Arrival::records).sum() + " records in " + mine.size()
                    + " file(s), expected at least " + expect.minRecords();
        };
    }

    /** Inserts the alert's row and enqueues its event; false when the row was there (emitted before). */
    private boolean emit(Connection c, Feed feed, Slot slot, AlertKind kind, String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO arrival_alerts (feed, slot_at, kind, detail) VALUES (?, ?, ?, ?)
                ON CONFLICT (feed, slot_at, kind) DO NOTHING""")) {
            ps.setString(1, feed.name());
            ps.setTimestamp(2, Timestamp.from(slot.at()));
            ps.setString(3, kind.name());
            ps.setString(4, detail);
            if (ps.executeUpdate() == 0) return false;
        }
        var n = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        n.put("feed", feed.name());
        n.put("slot", slot.at().toString());
        n.put("windowStart", slot.windowStart().toString());
        n.put("deadline", slot.deadline().toString());
        n.put("schedule", feed.expect().schedule().expression());
        n.put("zone", feed.expect().zone().getId());
        n.put("minRecords", feed.expect().minRecords());
        n.put("detail", detail);
        for (DerivedRoute r : feed.derived()) {
            if (r.kind() == DerivedRoute.Kind.SUMMARY) {
                outbox.enqueue(c, r.destination(), EventIds.of("arrival:" + feed.name() + ":" + slot.at() + ":" + kind),
                        kind.name(), "feed-arrivals-" + feed.name(), n.toString());
            }
        }
        return true;
    }

    /** When the check began watching the feed (now, on its first run), noting this run. */
    private static Instant watch(Connection c, String feed, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO arrival_watches (feed, watching_since, last_checked_at) VALUES (?, ?, ?)
                ON CONFLICT (feed) DO UPDATE SET last_checked_at = greatest(arrival_watches.last_checked_at, EXCLUDED.last_checked_at)
                RETURNING watching_since""")) {
            ps.setString(1, feed);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setTimestamp(3, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1).toInstant();
            }
        }
    }

    /** The feed's object versions first seen in {@code [from, to]} (removal notices aside), oldest first. */
    static List<Arrival> arrivals(Connection c, String feed, Instant from, Instant to) throws SQLException {
        List<Arrival> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(FileStatus.inSql("""
                SELECT created_at, object_key, status NOT IN ({IN_PROGRESS}, {HELD}),
                       CASE WHEN status = {COMPLETED} THEN records_read ELSE 0 END
                  FROM ingested_files
                 WHERE feed = ? AND status <> {REMOVED} AND created_at >= ? AND created_at <= ?
                 ORDER BY created_at, file_id"""))) {
            ps.setString(1, feed);
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setTimestamp(3, Timestamp.from(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Arrival(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getBoolean(3), rs.getLong(4)));
                }
            }
        }
        return out;
    }

    private static Set<String> emitted(Connection c, String feed, Instant from) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT slot_at, kind FROM arrival_alerts WHERE feed = ? AND slot_at >= ?")) {
            ps.setString(1, feed);
            ps.setTimestamp(2, Timestamp.from(from));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getTimestamp(1).toInstant() + "|" + rs.getString(2));
            }
        }
        return out;
    }

    private List<ArrivalReport.IncompleteSet> incompleteSets(Connection c, Instant now) throws SQLException {
        List<ArrivalReport.IncompleteSet> out = new ArrayList<>();
        for (FileSets.FileSet set : sets.overdue(c, now)) {
            List<String> keys = sets.members(c, set.setId()).stream().map(m -> m.ref().key()).toList();
            String reason = switch (set.status()) {
                case WAITING -> keys.size() + " member(s) held, no marker yet";
                default -> keys.size() + " member(s) held, the marker's members not all here";
            };
            if (!sets.reportedIncomplete(c, set.setId())) continue;
            FileSetEvent event = FileSetEvent.incomplete(set, keys, reason);
            Optional<Feed> feed = feeds.feed(set.feed());
            for (DerivedRoute r : feed.map(Feed::derived).orElse(List.of())) {
                if (r.kind() == DerivedRoute.Kind.SUMMARY) {
                    outbox.enqueue(c, r.destination(), event.eventId(), event.eventType(), event.streamId(), event.payloadJson());
                }
            }
            out.add(new ArrivalReport.IncompleteSet(set.setId(), set.feed(), set.bucket(), set.prefix(), reason));
        }
        return out;
    }

    /** Each file feed's freshness as of now, for {@code inlet status}. Reads only. */
    public List<Freshness> freshness() {
        Instant now = clock.instant();
        return tx.inTransaction(c -> {
            List<Freshness> out = new ArrayList<>();
            for (Feed feed : feeds.feeds()) out.add(freshness(c, feed, now));
            return out;
        });
    }

    private Freshness freshness(Connection c, Feed feed, Instant now) throws SQLException {
        Instant lastAt = null;
        String lastKey = null;
        try (PreparedStatement ps = c.prepareStatement(FileStatus.inSql("""
                SELECT created_at, object_key FROM ingested_files WHERE feed = ? AND status <> {REMOVED}
                 ORDER BY created_at DESC, file_id DESC LIMIT 1"""))) {
            ps.setString(1, feed.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    lastAt = rs.getTimestamp(1).toInstant();
                    lastKey = rs.getString(2);
                }
            }
        }
        ArrivalExpectation expect = feed.expect();
        if (expect == null) return new Freshness(feed.name(), lastAt, lastKey, null, Freshness.State.NOT_EXPECTED);
        Instant next = expect.schedule().next(now).orElse(null);
        Instant since = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT watching_since FROM arrival_watches WHERE feed = ?")) {
            ps.setString(1, feed.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) since = rs.getTimestamp(1).toInstant();
            }
        }
        Instant after = since == null || since.isBefore(now.minus(lookback)) ? now.minus(lookback) : since;
        List<Slot> judged = Slot.judgedBetween(expect, after, now, MAX_SLOTS);
        if (judged.isEmpty()) return new Freshness(feed.name(), lastAt, lastKey, next, Freshness.State.WAITING);
        Slot latest = judged.get(judged.size() - 1);
        Set<AlertKind> due = latest.due(arrivals(c, feed.name(), latest.windowStart(), now), now, expect.minRecords());
        Freshness.State state = due.contains(AlertKind.FileMissing) ? Freshness.State.MISSING
                : due.contains(AlertKind.FileShort) ? Freshness.State.SHORT
                : due.contains(AlertKind.FileLate) ? Freshness.State.LATE : Freshness.State.ON_TIME;
        return new Freshness(feed.name(), lastAt, lastKey, next, state);
    }
}
