package io.inlet.ingest;

import io.inlet.ledger.Counts;
import io.inlet.failure.Deadline;

import static io.inlet.ingest.ResumeAndPolicyTest.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.feed.FeedRegistry;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.store.EventStore;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file appended over several lanes (connections at once, its streams split between them) ends
 * exactly as a one-lane load of the same file: the same events with the same stream versions, the
 * same outbox rows, rejects and counts; also after a lane failed halfway (the others having
 * committed further) and when deadlines cut the file into slices.
 */
class LanesTest {

    // three lanes even for a small file; ONE_LANE is the same feed (same name, so the same event ids) with one
    static final String FEEDS = """
            version: 1
            feeds:
              - name: orders
                bucket: drop
                key_pattern: "orders/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "customer-{customer}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all, fields: { amount: { type: decimal } } }
                table: order_events
                batch_size: 10
                lanes: 3
                lanes_from_bytes: 0
                derived:
                  - { events: appended, destination: orders }
                  - { events: summary, destination: ops }
            """;
    static final String ONE_LANE = FEEDS.replace("lanes: 3", "lanes: 1");

    static final int ROWS = 600;
    static final int CUSTOMERS = 23;

    @TempDir
    Path dir;
    FeedRegistry feeds;
    LocalFileSource source;

    @BeforeEach
    void setUp() {
        feeds = FeedRegistry.parse(FEEDS, "lanes-feeds.yaml");
        source = new LocalFileSource(dir);
    }

    Inlet inlet(DataSource ds, String worker) {
        return inlet(ds, worker, feeds);
    }

    static Inlet inlet(DataSource ds, String worker, FeedRegistry registry) {
        return Inlet.builder().dataSource(ds).feeds(registry).workerId(worker).leaseDuration(Duration.ofMinutes(5)).build();
    }

    /** The file loaded in one lane into a database of its own: what every laned load must equal. */
    DataSource oneLaneLoad(ObjectRef ref) throws Exception {
        DataSource clean = db();
        FileReport one = inlet(clean, "one", FeedRegistry.parse(ONE_LANE, "one-lane.yaml")).ingestFile(ref, source, Deadline.none());
        assertThat(one.counts()).isEqualTo(new Counts(ROWS + 2, ROWS - 2, 1, 1, 2));
        assertThat(rows(clean, "SELECT lanes FROM ingested_files")).containsExactly("1");
        return clean;
    }

    DataSource db() {
        return TestDatabase.fresh(List.copyOf(feeds.eventTables()));
    }

    /**
     * The orders file: {@value #ROWS} orders of {@value #CUSTOMERS} customers, two with an amount
     * that is not a number (rejected as invalid), then a repeat of order 7 (a duplicate) and a
     * changed order 8 (a conflict).
     */
    ObjectRef write(String key) throws Exception {
        StringBuilder sb = new StringBuilder("order_id,customer,amount,at\n");
        for (int i = 1; i <= ROWS; i++) sb.append(line(i, i == 17 || i == 301 ? "lots" : i + ".50"));
        sb.append(line(7, "7.50")).append(line(8, "9.99"));
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb.toString());
        return source.refFor("drop", file);
    }

    static String line(int order, String amount) {
        return "O-" + order + ",c" + order % CUSTOMERS + "," + amount + ",2026-11-20T10:" + String.format("%02d", order % 60) + ":00Z\n";
    }

    static final String EVENTS = "SELECT event_id || ' ' || stream_id || ' ' || stream_version || ' ' || payload::text "
            + "FROM order_events ORDER BY event_id";
    static final String OUTBOX = "SELECT destination || ' ' || coalesce(event_id::text, '-') || ' ' || event_type "
            + "FROM outbox WHERE destination = 'orders' ORDER BY 1";
    static final String REJECTS = "SELECT record_number || ' ' || line_number || ' ' || kind FROM rejected_records ORDER BY 1";

    @Test
    void aFileOverThreeLanesEndsWithTheEventsOutboxRejectsAndCountsOfOneLane() throws Exception {
        ObjectRef ref = write("orders/orders.csv");
        DataSource clean = oneLaneLoad(ref);

        DataSource ds = db();
        ResumeAndPolicyTest.ConnectionCounting counting = new ResumeAndPolicyTest.ConnectionCounting(ds);
        Inlet laned = Inlet.builder().dataSource(counting).feeds(feeds).workerId("laned")
                .leaseDuration(Duration.ofMinutes(5)).build();
        int before = counting.opened.get();
        FileReport three = laned.ingestFile(ref, source, Deadline.none());

        assertThat(three.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(three.counts()).isEqualTo(new Counts(ROWS + 2, ROWS - 2, 1, 1, 2));
        assertThat(counting.opened.get() - before).as("one connection per lane").isEqualTo(3);
        assertThat(lanesOfCustomers()).as("the customers fall in every lane").containsExactly(0, 1, 2);
        assertThat(rows(ds, EVENTS)).hasSize(ROWS - 2).isEqualTo(rows(clean, EVENTS));
        assertThat(rows(ds, OUTBOX)).isEqualTo(rows(clean, OUTBOX));
        assertThat(rows(ds, REJECTS)).containsExactly("17 18 INVALID", "301 302 INVALID", "602 603 CONFLICT")
                .isEqualTo(rows(clean, REJECTS));
        assertThat(rows(ds, "SELECT lanes || ' ' || status || ' ' || records_read FROM ingested_files"))
                .containsExactly("3 COMPLETED " + (ROWS + 2));
        assertThat(rows(ds, "SELECT count(*) FROM ingest_lanes")).containsExactly("0");
        assertThat(rows(ds, "SELECT count(*) FROM outbox WHERE destination = 'ops'")).containsExactly("1");
    }

    @Test
    void aLaneThatFailedResumesFromItsOwnPositionWhileTheOthersSkipWhatTheyCommitted() throws Exception {
        ObjectRef ref = write("orders/orders.csv");
        DataSource clean = oneLaneLoad(ref);

        DataSource ds = db();
        failLaneOfO305(ds, ref);

        int failedLane = EventStore.laneOf("order_events", "customer-c" + 305 % CUSTOMERS, 3);
        List<String> expected = new java.util.ArrayList<>();
        for (int lane = 0; lane < 3; lane++) expected.add(lane + " " + (lane == failedLane ? 301 : 331));
        assertThat(rows(ds, "SELECT lane || ' ' || next_record FROM ingest_lanes ORDER BY lane")).isEqualTo(expected);
        assertThat(rows(ds, "SELECT next_record FROM ingested_files")).as("the file's own checkpoint waits for the slice's end")
                .containsExactly("1");

        execute(ds, "DROP TRIGGER refuse_o305 ON inlet.order_events");
        FileReport rerun = inlet(ds, "second").ingestFile(ref, source, Deadline.none());
        assertThat(rerun.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(rerun.counts()).isEqualTo(new Counts(ROWS + 2, ROWS - 2, 1, 1, 2));
        assertSameStoredAs(clean, ds);
        assertThat(rows(ds, "SELECT slice_no || ' ' || from_record || ' ' || to_record FROM ingest_slices"))
                .as("the resumed slice starts where the slowest lane stood").containsExactly("1 301 602");
        assertThat(rows(ds, "SELECT count(*) FROM ingest_lanes")).containsExactly("0");
    }

    @Test
    void aDeadlineInTheResumedSliceKeepsThePositionsOfLanesThatStandBeyondIt() throws Exception {
        ObjectRef ref = write("orders/orders.csv");
        DataSource clean = oneLaneLoad(ref);

        DataSource ds = db();
        // as above: O-305's lane stops at record 301, the other two lanes stand at 331
        failLaneOfO305(ds, ref);
        execute(ds, "DROP TRIGGER refuse_o305 ON inlet.order_events");

        // the resumed attempt's deadline passes a few records after 301, before the others' 331
        ResumeAndPolicyTest.TickingClock clock = new ResumeAndPolicyTest.TickingClock();
        FileReport cut = inlet(ds, "second").ingestFile(ref, source, new Deadline(clock.start.plusSeconds(4), clock));
        assertThat(cut.outcome()).isEqualTo(FileOutcome.SUSPENDED);
        long end = Long.parseLong(rows(ds, "SELECT next_record FROM ingested_files").get(0));
        assertThat(end).as("the slice ended before the lanes ahead").isBetween(302L, 330L);

        FileReport rest = inlet(ds, "third").ingestFile(ref, source, Deadline.none());
        assertThat(rest.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(rest.counts()).isEqualTo(new Counts(ROWS + 2, ROWS - 2, 1, 1, 2));
        assertSameStoredAs(clean, ds);
        assertThat(rows(ds, "SELECT slice_no || ' ' || from_record || ' ' || to_record FROM ingest_slices ORDER BY 1"))
                .containsExactly("1 301 " + (end - 1), "2 " + end + " 602");
        assertThat(rows(ds, "SELECT count(*) FROM ingest_lanes")).containsExactly("0");
    }

    @Test
    void theFirstErrorIsTheEarliestRecordsWhicheverLaneCommittedFirst() throws Exception {
        // one batch of 30 records: record 5 is invalid (lane 0), record 30 changes an earlier order of
        // a stream in another lane (a conflict, in that lane)
        int changed = 1;
        while (EventStore.laneOf("order_events", "customer-c" + changed, 3) == 0) changed++;
        StringBuilder sb = new StringBuilder("order_id,customer,amount,at\n");
        for (int i = 1; i <= 29; i++) sb.append(line(i, i == 5 ? "lots" : i + ".50"));
        sb.append(line(changed, "9.99"));
        Path file = dir.resolve("orders/first-error.csv");
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb.toString());
        ObjectRef ref = source.refFor("drop", file);

        DataSource clean = db();
        inlet(clean, "one", FeedRegistry.parse(ONE_LANE, "one-lane.yaml")).ingestFile(ref, source, Deadline.none());
        List<String> expected = rows(clean, "SELECT first_error FROM ingested_files");
        assertThat(expected.get(0)).startsWith("line 6: ");

        DataSource ds = db();
        // lane 0 fails on record 5's rejection; the conflict's lane commits its share
        execute(ds, """
                CREATE FUNCTION inlet.refuse_record_5() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.record_number = 5 THEN RAISE EXCEPTION 'refusing record 5'; END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER refuse_record_5 BEFORE INSERT ON inlet.rejected_records
                    FOR EACH ROW EXECUTE FUNCTION inlet.refuse_record_5()""");
        assertThatThrownBy(() -> inlet(ds, "first").ingestFile(ref, source, Deadline.none()))
                .hasMessageContaining("refusing record 5");
        execute(ds, "DROP TRIGGER refuse_record_5 ON inlet.rejected_records");

        FileReport rerun = inlet(ds, "second").ingestFile(ref, source, Deadline.none());
        assertThat(rerun.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(rerun.counts()).isEqualTo(new Counts(30, 28, 0, 1, 1));
        assertThat(rows(ds, "SELECT first_error FROM ingested_files")).isEqualTo(expected);
        assertThat(inlet(ds, "third").ingestFile(ref, source, Deadline.none()).firstError()).isEqualTo(expected.get(0));
    }

    @Test
    void deadlinesCutALanedFileIntoSlicesThatTogetherEqualOnePass() throws Exception {
        ObjectRef ref = write("orders/orders.csv");
        DataSource clean = oneLaneLoad(ref);

        DataSource ds = db();
        int invocations = 0;
        FileReport r;
        do {
            invocations++;
            ResumeAndPolicyTest.TickingClock clock = new ResumeAndPolicyTest.TickingClock();
            r = inlet(ds, "lambda-" + invocations).ingestFile(ref, source, new Deadline(clock.start.plusSeconds(120), clock));
        } while (r.outcome() == FileOutcome.SUSPENDED && invocations < 50);

        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(invocations).isGreaterThanOrEqualTo(5);
        assertThat(r.counts()).isEqualTo(new Counts(ROWS + 2, ROWS - 2, 1, 1, 2));
        assertThat(rows(ds, EVENTS)).isEqualTo(rows(clean, EVENTS));
        assertThat(rows(ds, REJECTS)).isEqualTo(rows(clean, REJECTS));
        assertThat(rows(ds, "SELECT count(*) FROM ingest_slices")).containsExactly(String.valueOf(invocations));
        assertThat(rows(ds, "SELECT sum(to_record - from_record + 1) FROM ingest_slices")).containsExactly(String.valueOf(ROWS + 2));
        assertThat(rows(ds, "SELECT count(*) FROM ingest_slices s JOIN ingest_slices n ON n.file_id = s.file_id "
                + "AND n.slice_no = s.slice_no + 1 AND n.from_record <> s.to_record + 1")).as("slices meet end to start")
                .containsExactly("0");
    }

    @Test
    void aSmallFileUsesOneLaneAndAFileKeepsItsLaneCountWhenResumed() throws Exception {
        FeedRegistry small = FeedRegistry.parse(FEEDS.replace("lanes_from_bytes: 0", "lanes_from_bytes: 1000000"),
                "lanes-feeds.yaml");
        assertThat(small.feed("orders").orElseThrow().lanesFor(999_999L)).isEqualTo(1);
        assertThat(small.feed("orders").orElseThrow().lanesFor(1_000_000L)).isEqualTo(3);
        assertThat(small.feed("orders").orElseThrow().lanesFor(null)).as("size unknown").isEqualTo(3);

        DataSource ds = db();
        ObjectRef ref = write("orders/small.csv");
        // the first claim (one lane: the file is small) is cut short by the deadline; the resumed
        // attempt, under a feed now saying three lanes for any size, keeps the file's one lane
        ResumeAndPolicyTest.TickingClock clock = new ResumeAndPolicyTest.TickingClock();
        FileReport first = inlet(ds, "w1", small).ingestFile(ref, source, new Deadline(clock.start.plusSeconds(100), clock));
        assertThat(first.outcome()).isEqualTo(FileOutcome.SUSPENDED);
        FileReport rest = inlet(ds, "w2").ingestFile(ref, source, Deadline.none());
        assertThat(rest.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(rest.counts()).isEqualTo(new Counts(ROWS + 2, ROWS - 2, 1, 1, 2));
        assertThat(rows(ds, "SELECT lanes FROM ingested_files")).containsExactly("1");
    }

    @Test
    void aBatchAlsoEndsAtItsByteCapSoWideRowsKeepMemoryBounded() throws Exception {
        FeedRegistry capped = FeedRegistry.parse(ONE_LANE.replace("batch_size: 10", "batch_size: 5000\n    batch_bytes: 65536"),
                "capped.yaml");
        StringBuilder sb = new StringBuilder("order_id,customer,amount,at,note\n");
        for (int i = 1; i <= 300; i++) {
            String row = "O-" + i + ",c" + i % CUSTOMERS + "," + i + ".50,2026-11-20T10:00:00Z,";
            sb.append(row).append("n".repeat(1000 - row.length())).append('\n');
        }
        Path file = dir.resolve("orders/wide.csv");
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb.toString());

        DataSource ds = db();
        FileReport r = inlet(ds, "w", capped).ingestFile(source.refFor("drop", file), source, Deadline.none());
        assertThat(r.counts()).isEqualTo(new Counts(300, 300, 0, 0, 0));
        // rows of ~1,000 characters and a cap of 65,536: a batch ends at its 66th record, not at 5,000;
        // each batch is one transaction, and the events of one transaction share their xmin
        assertThat(rows(ds, "SELECT count(DISTINCT xmin::text) FROM order_events")).containsExactly("5");
    }

    @Test
    void twoLanedFilesLoadingIntoOneTableAtOnceKeepEachStreamsVersionsGaplessAndInFileOrder() throws Exception {
        // two files over the same customers' streams, each over three lanes, at once: their lanes take
        // turns on the partition locks; nothing waits for ever, and each stream's versions are 1..n
        // with each file's events in that file's order
        List<ObjectRef> refs = new java.util.ArrayList<>();
        for (String prefix : List.of("A", "B")) {
            StringBuilder sb = new StringBuilder("order_id,customer,amount,at\n");
            for (int i = 1; i <= ROWS; i++) sb.append(line(i, i + ".50").replace("O-", prefix + "-"));
            Path file = dir.resolve("orders/" + prefix + ".csv");
            Files.createDirectories(file.getParent());
            Files.writeString(file, sb.toString());
            refs.add(source.refFor("drop", file));
        }
        DataSource ds = db();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<FileReport>> runs = new java.util.ArrayList<>();
            for (ObjectRef ref : refs) runs.add(pool.submit(() -> inlet(ds, "w-" + ref.key()).ingestFile(ref, source, Deadline.none())));
            for (var run : runs) {
                FileReport r = run.get(2, java.util.concurrent.TimeUnit.MINUTES);
                assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
                assertThat(r.counts()).isEqualTo(new Counts(ROWS, ROWS, 0, 0, 0));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(rows(ds, "SELECT count(*) FROM order_events")).containsExactly(String.valueOf(2 * ROWS));
        assertThat(rows(ds, "SELECT count(*) FROM (SELECT stream_id FROM order_events GROUP BY stream_id "
                + "HAVING max(stream_version) <> count(*) OR min(stream_version) <> 1) g")).as("gapless").containsExactly("0");
        assertThat(rows(ds, """
                SELECT count(*) FROM (
                    SELECT split_part(payload ->> 'order_id', '-', 2)::int AS n,
                           lag(split_part(payload ->> 'order_id', '-', 2)::int) OVER (
                               PARTITION BY stream_id, split_part(payload ->> 'order_id', '-', 1) ORDER BY stream_version) AS before
                    FROM order_events) o
                WHERE n < before""")).as("each file's events in file order within a stream").containsExactly("0");
    }

    @Test
    void aReadFailureWhileTheLanesCommitLeavesNoThreadNorConnectionBehind() throws Exception {
        ObjectRef ref = write("orders/orders.csv");
        DataSource ds = db();
        // the connection to the object breaks half-way through the file, while the lanes commit
        io.inlet.source.ObjectSource failing = (r, from) -> new ResumeAndPolicyTest.FailAfter(source.open(r, from), 12_000);
        assertThatThrownBy(() -> inlet(ds, "w").ingestFile(ref, failing, Deadline.none()))
                .isInstanceOf(io.inlet.failure.RetryableException.class);

        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.startsWith("inlet-file-")).toList();
            if (left.isEmpty()) break;
            Thread.sleep(50);
        } while (System.nanoTime() < until);
        assertThat(left).as("read-ahead and lane threads").isEmpty();
        assertThat(rows(ds, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")).as("lane connections").containsExactly("0");

        FileReport rerun = inlet(ds, "again").ingestFile(ref, source, Deadline.none());
        assertThat(rerun.counts()).isEqualTo(new Counts(ROWS + 2, ROWS - 2, 1, 1, 2));
    }

    /** The events (ids, streams, versions, payloads), outbox rows and rejects of {@code ds} equal {@code clean}'s. */
    static void assertSameStoredAs(DataSource clean, DataSource ds) throws Exception {
        assertThat(rows(ds, EVENTS)).isEqualTo(rows(clean, EVENTS));
        assertThat(rows(ds, OUTBOX)).isEqualTo(rows(clean, OUTBOX));
        assertThat(rows(ds, REJECTS)).isEqualTo(rows(clean, REJECTS));
    }

    /**
     * A first attempt whose lane of order O-305 fails: that lane's share of the 11th batch (records
     * 301..330) rolls back, while the other two lanes commit theirs. The refusing trigger stays.
     */
    void failLaneOfO305(DataSource ds, ObjectRef ref) throws Exception {
        execute(ds, """
                CREATE FUNCTION inlet.refuse_o305() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.payload ->> 'order_id' = 'O-305' THEN RAISE EXCEPTION 'refusing O-305'; END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER refuse_o305 BEFORE INSERT ON inlet.order_events
                    FOR EACH ROW EXECUTE FUNCTION inlet.refuse_o305()""");
        assertThatThrownBy(() -> inlet(ds, "first").ingestFile(ref, source, Deadline.none()))
                .hasMessageContaining("refusing O-305");
    }

    /** The lanes (of three) the customers' streams fall in. */
    static Set<Integer> lanesOfCustomers() {
        Set<Integer> lanes = new TreeSet<>();
        for (int c = 0; c < CUSTOMERS; c++) lanes.add(EventStore.laneOf("order_events", "customer-c" + c, 3));
        return lanes;
    }

    static void execute(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
