package io.inlet.arrival;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.feed.FeedRegistry;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A seeded simulation over a clock: files of two feeds (a daily one in Europe/Berlin across the
 * spring DST change, an hourly one in UTC) arrive early, on time, late, short or never; the arrival
 * check runs at random times (sometimes twice in a row). What it emitted must equal what a model,
 * written from the documented rules without the production code's slots, says must be emitted, each
 * alert once. A failing seed replays with {@code -Darrival.seed=N}.
 */
class ArrivalCheckSimulationTest {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: daily
                bucket: drop
                key_pattern: "daily/**"
                format: { type: csv }
                mapping: { event_type: T, stream_id: "s-{id}", occurred_at: { column: at, formats: ["iso"] }, id: { strategy: column, column: id } }
                expect: { schedule: "30 2 * * *", zone: Europe/Berlin, within: 2h, early: 1h, min_records: 10 }
                derived: [ { events: summary, destination: ops } ]
              - name: hourly
                bucket: drop
                key_pattern: "hourly/**"
                format: { type: csv }
                mapping: { event_type: T, stream_id: "h-{id}", occurred_at: { column: at, formats: ["iso"] }, id: { strategy: column, column: id } }
                expect: { schedule: "15 * * * *", within: 20m, min_records: 1 }
            """;
    // the spring change in Europe: 2026-03-29 02:00 -> 03:00, so that day's 02:30 slot is in the gap
    static final Instant START = Instant.parse("2026-03-26T00:00:00Z");
    static final Duration SPAN = Duration.ofDays(5);

    static Stream<Long> seeds() {
        String replay = System.getProperty("arrival.seed");
        return replay != null ? Stream.of(Long.parseLong(replay)) : LongStream.rangeClosed(1, 3).boxed();
    }

    /** A file's arrival: when, how many records, for which feed. */
    record File(String feed, Instant at, long records) {
    }

    /** An expected alert. */
    record Expected(String feed, Instant slot, AlertKind kind) implements Comparable<Expected> {
        @Override
        public int compareTo(Expected o) {
            return (feed + slot + kind).compareTo(o.feed + o.slot + o.kind);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theCheckEmitsExactlyTheModelsAlertsEachOnce(long seed) throws Exception {
        Random random = new Random(seed);
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "arrival-feeds.yaml");
        DataSource ds = TestDatabase.fresh(List.of("events"));
        MutableClock clock = new MutableClock(START);
        ArrivalCheck check = new ArrivalCheck(feeds, new Transactions(ds), clock);

        List<File> files = new ArrayList<>();
        List<Instant> dailySlots = dailySlots();
        for (Instant slot : dailySlots) files.addAll(scenario("daily", slot, Duration.ofHours(2), 10, random));
        for (Instant slot = START.plus(Duration.ofMinutes(15)); slot.isBefore(START.plus(SPAN)); slot = slot.plus(Duration.ofHours(1))) {
            files.addAll(scenario("hourly", slot, Duration.ofMinutes(20), 1, random));
        }
        files.sort(java.util.Comparator.comparing(File::at));

        List<Instant> checks = new ArrayList<>();
        TreeSet<Expected> emitted = new TreeSet<>();
        int next = 0;
        for (Instant t = START; t.isBefore(START.plus(SPAN)); t = t.plus(Duration.ofMinutes(10 + random.nextInt(100)))) {
            while (next < files.size() && !files.get(next).at().isAfter(t)) insert(ds, files.get(next), next++);
            clock.now = t;
            checks.add(t);
            int runs = random.nextInt(4) == 0 ? 2 : 1;
            for (int i = 0; i < runs; i++) {
                for (ArrivalReport.Alert a : check.run().alerts()) {
                    assertThat(emitted.add(new Expected(a.feed(), a.slot(), a.kind())))
                            .as("seed %d: %s emitted twice", seed, a).isTrue();
                }
            }
        }

        TreeSet<Expected> model = new TreeSet<>();
        model.addAll(model("daily", dailySlots, Duration.ofHours(1), Duration.ofHours(2), 10, files, checks));
        List<Instant> hourly = new ArrayList<>();
        for (Instant s = START.minus(Duration.ofMinutes(45)); s.isBefore(START.plus(SPAN).plus(Duration.ofHours(1))); s = s.plus(Duration.ofHours(1))) {
            hourly.add(s);
        }
        model.addAll(model("hourly", hourly, Duration.ZERO, Duration.ofMinutes(20), 1, files, checks));
        assertThat(model).as("seed %d: the scenarios reach every kind", seed).extracting(Expected::kind)
                .contains(AlertKind.FileMissing, AlertKind.FileLate, AlertKind.FileShort);
        assertThat(emitted).as("seed %d", seed).containsExactlyElementsOf(model);
        assertThat(outboxCount(ds)).as("seed %d: one outbox row per daily alert (hourly has no summary route)", seed)
                .isEqualTo(emitted.stream().filter(e -> e.feed().equals("daily")).count());
        // DST: the gap day's 02:30 (Berlin) slot fires at 03:30 local, 01:30 UTC
        assertThat(dailySlots).contains(Instant.parse("2026-03-29T01:30:00Z"));
    }

    /** The daily feed's slots, built without the cron code: 02:30 Berlin each day, shifted by a gap. */
    static List<Instant> dailySlots() {
        List<Instant> out = new ArrayList<>();
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        for (LocalDate d = LocalDate.of(2026, 3, 24); d.isBefore(LocalDate.of(2026, 4, 3)); d = d.plusDays(1)) {
            out.add(ZonedDateTime.ofLocal(d.atTime(LocalTime.of(2, 30)), berlin, null).toInstant());
        }
        return out;
    }

    /** The files of one slot: on time, early, late, after the window (never), short, two halves, or none. */
    static List<File> scenario(String feed, Instant slot, Duration within, long min, Random r) {
        long w = within.toSeconds();
        return switch (r.nextInt(7)) {
            case 0 -> List.of(new File(feed, slot.plusSeconds(r.nextLong(w)), min + r.nextInt(5)));
            case 1 -> List.of(new File(feed, slot.minusSeconds(1 + r.nextLong(Math.max(1, w / 2))), min));
            case 2 -> List.of(new File(feed, slot.plusSeconds(w + 1 + r.nextLong(w)), min));
            case 3 -> List.of();
            case 4 -> List.of(new File(feed, slot.plusSeconds(r.nextLong(w)), min - 1));
            case 5 -> List.of(new File(feed, slot.plusSeconds(r.nextLong(w / 2)), min / 2),
                    new File(feed, slot.plusSeconds(w / 2 + r.nextLong(w / 2)), min - min / 2));
            default -> List.of(new File(feed, slot.plusSeconds(w), min)); // exactly at the deadline: on time
        };
    }

    /**
     * What must be emitted: slot T owns arrivals in [T - early, next T - early). A check at c >= T +
     * within that sees no owned arrival (at or before c) emits FileMissing; the first owned arrival
     * after the deadline, once a check has seen it, emits FileLate; at the first check at or after
     * the deadline that sees owned arrivals, if they hold fewer than min records, FileShort (or at a
     * later check, as arrivals only ever add records: the first check that sees any arrival decides).
     * Only slots whose deadline is after the first check are judged.
     */
    static List<Expected> model(String feed, List<Instant> slots, Duration early, Duration within, long min,
                                List<File> files, List<Instant> checks) {
        List<Expected> out = new ArrayList<>();
        Instant firstCheck = checks.get(0);
        Instant lastCheck = checks.get(checks.size() - 1);
        for (int i = 0; i + 1 < slots.size(); i++) {
            Instant t = slots.get(i);
            Instant deadline = t.plus(within);
            if (!deadline.isAfter(firstCheck) || deadline.isAfter(lastCheck)) continue;
            Instant from = t.minus(early);
            Instant to = slots.get(i + 1).minus(early);
            List<File> mine = files.stream().filter(f -> f.feed().equals(feed) && !f.at().isBefore(from) && f.at().isBefore(to)).toList();
            List<Instant> judging = checks.stream().filter(c -> !c.isBefore(deadline)).toList();
            boolean missing = judging.stream().anyMatch(c -> mine.stream().noneMatch(f -> !f.at().isAfter(c)));
            if (missing) out.add(new Expected(feed, t, AlertKind.FileMissing));
            Instant first = mine.stream().map(File::at).min(Instant::compareTo).orElse(null);
            if (first != null && first.isAfter(deadline) && judging.stream().anyMatch(c -> !c.isBefore(first))) {
                out.add(new Expected(feed, t, AlertKind.FileLate));
            }
            boolean shortSeen = judging.stream().anyMatch(c -> {
                List<File> seen = mine.stream().filter(f -> !f.at().isAfter(c)).toList();
                return !seen.isEmpty() && seen.stream().mapToLong(File::records).sum() < min;
            });
            if (shortSeen) out.add(new Expected(feed, t, AlertKind.FileShort));
        }
        return out;
    }

    static void insert(DataSource ds, File f, int n) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO ingested_files (feed, bucket, object_key, etag, status, records_read, appended, correlation_id,
                                            created_at, updated_at, completed_at)
                VALUES (?, 'drop', ?, ?, 'COMPLETED', ?, ?, 'sim', ?, ?, ?)""")) {
            Timestamp at = Timestamp.from(f.at());
            ps.setString(1, f.feed());
            ps.setString(2, f.feed() + "/" + n + ".csv");
            ps.setString(3, "e" + n);
            ps.setLong(4, f.records());
            ps.setLong(5, f.records());
            ps.setTimestamp(6, at);
            ps.setTimestamp(7, at);
            ps.setTimestamp(8, at);
            ps.executeUpdate();
        }
    }

    static long outboxCount(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM outbox WHERE event_type IN ('FileMissing', 'FileLate', 'FileShort')");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
