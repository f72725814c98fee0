package io.inlet.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.inlet.DatabaseDeployment;
import io.inlet.Inlet;
import io.inlet.event.DeclaredExpectedVersion;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.InboundMessage;
import io.inlet.ingest.MessageOutcome;
import io.inlet.source.LocalFileSource;
import io.inlet.store.StaleFeedsException;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.Disposition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance reads its feeds once, at its cold start. When an inline projection is added to the
 * feeds (in a bucket, so no instance is recycled) and {@code inlet migrate} builds it, an instance
 * still running on the older feeds must not append to its event table: its events would miss the
 * projection, and a later event of the same stream would be folded over the gap (an {@code add}
 * column undercounting, silently). Every write path refuses, writes nothing and fails retryable
 * naming the projection; the redelivery, processed by an instance with the new feeds, leaves the
 * projection equal to a rebuild's.
 */
class ProjectionAddedWhileInstancesRunTest {

    @TempDir
    Path dir;

    /** The feeds as they were when the warm instance started: the inline projection is not there yet. */
    static String olderFeeds(int batchSize) {
        String feeds = currentFeeds(batchSize);
        int from = feeds.indexOf("  - name: orders_current");
        int to = feeds.indexOf("  - name: orders_async");
        return feeds.substring(0, from) + feeds.substring(to);
    }

    static String currentFeeds(int batchSize) {
        return OrderFold.FEEDS.replace("batch_size: 4", "batch_size: " + batchSize);
    }

    /** A database migrated for the older feeds, a warm instance on them and some history appended by it. */
    private record Setting(DataSource ds, Inlet warm, FeedRegistry current) {

        static Setting start(int batchSize) {
            FeedRegistry older = FeedRegistry.parse(olderFeeds(batchSize), "feeds.yaml");
            FeedRegistry current = FeedRegistry.parse(currentFeeds(batchSize), "feeds.yaml");
            DataSource ds = TestDatabase.fresh(List.copyOf(current.eventTables()));
            DatabaseDeployment.run(ds, older, List.of());
            Inlet warm = instance(ds, older, "warm");
            warm.ingestMessage(message("h1", "{\"id\":\"h1\",\"type\":\"OrderPlaced\",\"order\":\"o-1\",\"at\":\"2026-12-06T10:00:00Z\",\"amount\":\"9.50\"}"));
            warm.ingestMessage(message("h2", item("h2", "o-1", 2)));
            warm.ingestMessage(message("h3", item("h3", "o-2", 3)));
            return new Setting(ds, warm, current);
        }

        /** The operator adds the inline projection to the feeds and runs {@code inlet migrate}: it is built from history. */
        void migrate() {
            List<String> built = DatabaseDeployment.run(ds, current, List.of()).projections();
            assertThat(built).anySatisfy(line -> assertThat(line).startsWith("projection orders_current: built"));
        }

        /** A new instance, started after the feeds changed. */
        Inlet recycled() {
            return instance(ds, current, "recycled");
        }

        long events() throws Exception {
            return Long.parseLong(InlineProjectionRefusalTest.rows(ds, "SELECT count(*) FROM order_events").get(0));
        }
    }

    @Test
    void aMessageOnTheOneRoundTripPathWritesNothingAndFailsRetryableUntilAnInstanceWithTheNewFeedsAppendsIt() throws Exception {
        Setting s = Setting.start(4);
        s.migrate();
        long before = s.events();
        InboundMessage m = message("m1", item("m1", "o-1", 5));

        Throwable refused = catchThrowable(() -> s.warm().ingestMessage(m));

        assertRefusedRetryable(refused);
        assertThrownIn(refused, "appendGatedBatch");
        assertThat(s.events()).isEqualTo(before);
        assertThat(InlineProjectionRefusalTest.rows(s.ds(), "SELECT count(*) FROM processed_messages WHERE message_id = 'm1'"))
                .containsExactly("0");

        MessageOutcome redelivered = s.recycled().ingestMessage(m);

        assertThat(redelivered.status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertThat(redelivered.counts().appended()).isEqualTo(1);
        assertProjectionEqualsARebuild(s, "o-1", 7);
    }

    /**
     * The race with the build itself: the message's insert waits for the swap (which holds the event
     * table EXCLUSIVE while it records the projection in the catalog); once the swap commits, the
     * message's statement reads the catalog with a snapshot taken after that wait and refuses.
     */
    @Test
    void aMessageWhoseInsertWaitedForTheSwapSeesTheProjectionTheSwapRecordedAndWritesNothing() throws Exception {
        Setting s = Setting.start(4);
        long before = s.events();
        InboundMessage m = message("m3", item("m3", "o-1", 5));
        ProjectionRebuild migrate = new ProjectionRebuild(s.ds(), Inlet.projectionReader(s.ds()));
        try (Connection reader = s.ds().getConnection()) {
            reader.setAutoCommit(false);
            // a reader of the shadow holds the swap between its lock of the event table and its rename
            migrate.beforeSwap(() -> {
                try (Statement st = reader.createStatement()) {
                    st.execute("SELECT count(*) FROM orders_current__rebuild");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<List<String>> building = pool.submit(() -> migrate.ensure(s.current().projections()));
                awaitRows(s.ds(), "SELECT count(*) FROM pg_locks l JOIN pg_class r ON r.oid = l.relation "
                        + "WHERE r.relname = 'order_events' AND l.mode = 'ExclusiveLock' AND l.granted");
                Future<MessageOutcome> appending = pool.submit(() -> s.warm().ingestMessage(m));
                // the message's insert waits for the event table
                awaitRows(s.ds(), "SELECT count(*) FROM pg_locks l JOIN pg_class r ON r.oid = l.relation "
                        + "WHERE r.relname = 'order_events' AND l.mode = 'RowExclusiveLock' AND NOT l.granted");
                reader.commit();
                assertThat(building.get(60, TimeUnit.SECONDS)).anySatisfy(line -> assertThat(line).startsWith("projection orders_current: built"));
                Throwable refused = catchThrowable(() -> appending.get(60, TimeUnit.SECONDS));
                assertThat(refused).isInstanceOf(ExecutionException.class);
                assertRefusedRetryable(refused.getCause());
                assertThrownIn(refused.getCause(), "appendGatedBatch");
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(s.events()).isEqualTo(before);

        assertThat(s.recycled().ingestMessage(m).status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertProjectionEqualsARebuild(s, "o-1", 7);
    }

    private static void awaitRows(DataSource ds, String countSql) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (InlineProjectionRefusalTest.rows(ds, countSql).get(0).equals("0")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + countSql + "; sessions: " + InlineProjectionRefusalTest.rows(ds,
                        "SELECT state || '|' || coalesce(wait_event_type, '') || '|' || coalesce(wait_event, '') || '|' || left(query, 80) "
                                + "FROM pg_stat_activity WHERE datname = current_database()"));
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aMessageWithAnExpectedVersionOnThePathOfSeveralStatementsWritesNothingAndFailsRetryable() throws Exception {
        Setting s = Setting.start(4);
        s.migrate();
        long before = s.events();
        InboundMessage m = new InboundMessage("m2", "orders", item("m2", "o-2", 4), Map.of(DeclaredExpectedVersion.ATTRIBUTE, "1"));

        Throwable refused = catchThrowable(() -> s.warm().ingestMessage(m));

        assertRefusedRetryable(refused);
        assertThrownIn(refused, "appendAt");
        assertThat(s.events()).isEqualTo(before);
        assertThat(InlineProjectionRefusalTest.rows(s.ds(), "SELECT count(*) FROM processed_messages WHERE message_id = 'm2'"))
                .containsExactly("0");

        assertThat(s.recycled().ingestMessage(m).status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertProjectionEqualsARebuild(s, "o-2", 7);
    }

    @Test
    void aFileOfNarrowBatchesWritesNothingIsReleasedUncountedAndLoadsOnAnInstanceWithTheNewFeeds() throws Exception {
        Setting s = Setting.start(4);
        s.migrate();
        long before = s.events();
        List<String> lines = List.of(item("f1", "o-1", 1), item("f2", "o-2", 1), item("f3", "o-3", 1));

        assertThrownIn(assertFileRefusedThenLoaded(s, "narrow.jsonl", lines, before), "appendBatch");
        assertProjectionEqualsARebuild(s, "o-1", 3);
    }

    @Test
    void aFileOfWideBatchesAppendedByCopyWritesNothingIsReleasedUncountedAndLoadsOnAnInstanceWithTheNewFeeds() throws Exception {
        Setting s = Setting.start(500);
        for (int i = 0; i < 40; i++) s.warm().ingestMessage(message("w" + i, item("w" + i, "w-" + i, 1)));
        s.migrate();
        long before = s.events();
        List<String> lines = new ArrayList<>();
        lines.add(item("g-o1", "o-1", 10));
        for (int i = 0; i < 40; i++) lines.add(item("g" + i, "w-" + i, 2));

        assertThrownIn(assertFileRefusedThenLoaded(s, "wide.jsonl", lines, before), "wide");
        assertProjectionEqualsARebuild(s, "o-1", 12);
        assertThat(OrderFold.actual(s.ds(), "orders_current").get("w-7")).endsWith("|3");
    }

    /** The refusal of the first attempt, after the file loaded on the second. */
    private Throwable assertFileRefusedThenLoaded(Setting s, String name, List<String> lines, long before) throws Exception {
        Path file = dir.resolve("orders/" + name);
        Files.createDirectories(file.getParent());
        Files.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        LocalFileSource source = new LocalFileSource(dir);

        Throwable refused = catchThrowable(() -> s.warm().ingestFile(source.refFor("drop", file), source, Deadline.none()));

        assertRefusedRetryable(refused);
        assertThat(s.events()).isEqualTo(before);
        assertThat(InlineProjectionRefusalTest.rows(s.ds(), "SELECT status || '|' || failed_attempts || '|' || (lease_owner IS NULL) "
                + "FROM ingested_files")).containsExactly("IN_PROGRESS|0|false");
        assertThat(InlineProjectionRefusalTest.rows(s.ds(), "SELECT count(*) FROM rejected_records")).containsExactly("0");

        FileReport loaded = s.recycled().ingestFile(source.refFor("drop", file), source, Deadline.none());

        assertThat(loaded.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(loaded.counts().appended()).isEqualTo(lines.size());
        assertThat(s.events()).isEqualTo(before + lines.size());
        return refused;
    }

    /** Which write path refused: the store's method named {@code method} threw (not another path). */
    private static void assertThrownIn(Throwable refused, String method) {
        assertThat(refused.getStackTrace()).anySatisfy(f -> {
            assertThat(f.getClassName()).isEqualTo("io.inlet.store.EventStore");
            assertThat(f.getMethodName()).isEqualTo(method);
        });
    }

    private static void assertRefusedRetryable(Throwable refused) {
        assertThat(refused).isInstanceOf(StaleFeedsException.class)
                .hasMessageContaining("'orders_current'").hasMessageContaining("order_events")
                .hasMessageContaining("recycle or redeploy the functions");
        assertThat(Disposition.of(refused)).isEqualTo(Disposition.RETRY);
    }

    /** The projection as the appends left it equals the hand fold, and a rebuild from the events changes nothing. */
    private static void assertProjectionEqualsARebuild(Setting s, String stream, long items) throws Exception {
        Map<String, String> kept = OrderFold.actual(s.ds(), "orders_current");
        assertThat(kept).isEqualTo(OrderFold.expected(s.ds()));
        assertThat(kept.get(stream)).endsWith("|" + items);
        new ProjectionRebuild(s.ds(), Inlet.projectionReader(s.ds())).rebuild(s.current().projections().named("orders_current").orElseThrow());
        assertThat(OrderFold.actual(s.ds(), "orders_current")).isEqualTo(kept);
    }

    static Inlet instance(DataSource ds, FeedRegistry feeds, String worker) {
        return Inlet.builder().dataSource(ds).feeds(feeds).workerId(worker).leaseDuration(Duration.ofMinutes(1)).build();
    }

    static InboundMessage message(String id, String body) {
        return new InboundMessage(id, "orders", body, Map.of());
    }

    static String item(String id, String order, int qty) {
        return "{\"id\":\"" + id + "\",\"type\":\"ItemAdded\",\"order\":\"" + order + "\",\"at\":\"2026-12-06T11:00:00Z\",\"qty\":" + qty + "}";
    }
}
