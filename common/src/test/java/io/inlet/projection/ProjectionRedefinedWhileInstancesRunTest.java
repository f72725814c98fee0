package io.inlet.projection;

import static io.inlet.projection.ProjectionAddedWhileInstancesRunTest.instance;
import static io.inlet.projection.ProjectionAddedWhileInstancesRunTest.item;
import static io.inlet.projection.ProjectionAddedWhileInstancesRunTest.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.inlet.DatabaseDeployment;
import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.MessageOutcome;
import io.inlet.ingest.InboundMessage;
import io.inlet.source.LocalFileSource;
import io.inlet.store.StaleFeedsException;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.Disposition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An inline projection's definition changes in the feeds (here: {@code ItemAdded} now adds to
 * {@code items}) and {@code inlet projection rebuild} builds it anew, while instances on the older
 * feeds keep running. Such an instance would apply the old upserts to the new table (its
 * {@code ItemAdded} events leave {@code items} behind: a wrong value, silently), so every write path
 * compares the instance's definition with the catalog's, writes nothing and fails retryable naming
 * the projection; an instance on the feeds the rebuild used appends, and the projection equals a
 * rebuild's. An instance on the same declaration, however laid out, is never refused.
 */
class ProjectionRedefinedWhileInstancesRunTest {

    private static final String ITEMS_HANDLER = "      ItemAdded: { items: { field: qty, op: add } }\n";

    @TempDir
    Path dir;

    /** The feeds before the change: orders_current does not handle ItemAdded. */
    static String olderFeeds(int batchSize) {
        String feeds = ProjectionAddedWhileInstancesRunTest.currentFeeds(batchSize);
        int at = feeds.indexOf(ITEMS_HANDLER);
        return feeds.substring(0, at) + feeds.substring(at + ITEMS_HANDLER.length());
    }

    /** The current feeds laid out otherwise: block style, other spacing, handlers and keys in another order. */
    static String currentFeedsLaidOutOtherwise(int batchSize) {
        String feeds = ProjectionAddedWhileInstancesRunTest.currentFeeds(batchSize);
        int from = feeds.indexOf("  - name: orders_current");
        int to = feeds.indexOf("  - name: orders_async");
        return feeds.substring(0, from) + """
                  - name:    orders_current
                    mode: inline
                    events: order_events
                    columns:
                      status:    text
                      amount: numeric
                      placed_at: timestamptz
                      items:  bigint
                    on:
                      ItemAdded:
                        items:
                          op: add
                          field: qty
                      OrderShipped: {status: {value: shipped}}
                      OrderPlaced:
                        status: { value: placed }
                        amount: { field: amount }
                        placed_at: { event: occurred_at }
                """ + feeds.substring(to);
    }

    /** A database migrated for the older feeds, a warm instance on them and some history appended by it. */
    private record Setting(DataSource ds, Inlet warm, FeedRegistry current) {

        static Setting start(int batchSize) {
            FeedRegistry older = FeedRegistry.parse(olderFeeds(batchSize), "feeds.yaml");
            FeedRegistry current = FeedRegistry.parse(ProjectionAddedWhileInstancesRunTest.currentFeeds(batchSize), "feeds.yaml");
            DataSource ds = TestDatabase.fresh(List.copyOf(current.eventTables()));
            DatabaseDeployment.run(ds, older, List.of());
            Inlet warm = instance(ds, older, "warm");
            warm.ingestMessage(message("h1", "{\"id\":\"h1\",\"type\":\"OrderPlaced\",\"order\":\"o-1\",\"at\":\"2026-12-06T10:00:00Z\",\"amount\":\"9.50\"}"));
            warm.ingestMessage(message("h2", item("h2", "o-1", 2)));
            warm.ingestMessage(message("h3", item("h3", "o-2", 3)));
            return new Setting(ds, warm, current);
        }

        /** {@code inlet projection rebuild orders_current} with the changed feeds. */
        void rebuild() {
            new ProjectionRebuild(ds, Inlet.projectionReader(ds)).rebuild(current.projections().named("orders_current").orElseThrow());
        }

        Inlet recycled() {
            return instance(ds, current, "recycled");
        }

        long events() throws Exception {
            return Long.parseLong(InlineProjectionRefusalTest.rows(ds, "SELECT count(*) FROM order_events").get(0));
        }
    }

    @Test
    void theDefinitionTextDoesNotDependOnTheLayoutOfTheDeclaration() {
        Projection plain = FeedRegistry.parse(ProjectionAddedWhileInstancesRunTest.currentFeeds(4), "feeds.yaml").projections()
                .named("orders_current").orElseThrow();
        Projection laidOut = FeedRegistry.parse(currentFeedsLaidOutOtherwise(4), "other.yaml").projections()
                .named("orders_current").orElseThrow();

        assertThat(laidOut.definition()).isEqualTo(plain.definition());
    }

    /**
     * An instance with an inline projection on the table appends a message in its ledger's transaction
     * ({@code appendBatch}, the gated one-statement path is for tables without one), so a definition
     * that differs is always met there; the gated statement carries the same check
     * ({@code MessageOneRoundTripTest} keeps its one round trip).
     */
    @Test
    void aMessageOfAnInstanceOnTheOldDefinitionWritesNothingAndAnInstanceOnTheRebuildsFeedsAppendsIt() throws Exception {
        Setting s = Setting.start(4);
        s.rebuild();
        long before = s.events();
        InboundMessage m = message("m1", item("m1", "o-1", 5));

        Throwable refused = catchThrowable(() -> s.warm().ingestMessage(m));

        assertRefusedRetryable(refused);
        assertThrownIn(refused, "appendBatch");
        assertThat(s.events()).isEqualTo(before);
        assertThat(InlineProjectionRefusalTest.rows(s.ds(), "SELECT count(*) FROM processed_messages WHERE message_id = 'm1'"))
                .containsExactly("0");

        MessageOutcome redelivered = s.recycled().ingestMessage(m);

        assertThat(redelivered.status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertProjectionEqualsARebuild(s, "o-1", 7);
    }

    @Test
    void anInstanceOnTheNewFeedsIsRefusedUntilTheRebuildAndThenAppends() throws Exception {
        Setting s = Setting.start(4);
        InboundMessage m = message("m4", item("m4", "o-2", 4));
        long before = s.events();

        assertRefusedRetryable(catchThrowable(() -> s.recycled().ingestMessage(m)));
        assertThat(s.events()).isEqualTo(before);

        s.rebuild();

        assertThat(s.recycled().ingestMessage(m).status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertProjectionEqualsARebuild(s, "o-2", 7);
    }

    @Test
    void anInstanceOnTheSameDeclarationLaidOutOtherwiseIsNeverRefused() throws Exception {
        Setting s = Setting.start(4);
        s.rebuild();
        Inlet same = instance(s.ds(), FeedRegistry.parse(currentFeedsLaidOutOtherwise(4), "other.yaml"), "same");

        assertThat(same.ingestMessage(message("s1", item("s1", "o-1", 1))).status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertThat(same.ingestMessage(message("s2", item("s2", "o-1", 2))).status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertProjectionEqualsARebuild(s, "o-1", 5);
    }

    @Test
    void aFileOfNarrowBatchesOfAnInstanceOnTheOldDefinitionWritesNothingAndLoadsOnTheNewFeeds() throws Exception {
        Setting s = Setting.start(4);
        s.rebuild();
        long before = s.events();
        List<String> lines = List.of(item("f1", "o-1", 1), item("f2", "o-2", 1), item("f3", "o-3", 1));

        assertThrownIn(assertFileRefusedThenLoaded(s, "narrow.jsonl", lines, before), "appendBatch");
        assertProjectionEqualsARebuild(s, "o-1", 3);
    }

    @Test
    void aFileOfWideBatchesOfAnInstanceOnTheOldDefinitionWritesNothingAndLoadsOnTheNewFeeds() throws Exception {
        Setting s = Setting.start(500);
        for (int i = 0; i < 40; i++) s.warm().ingestMessage(message("w" + i, item("w" + i, "w-" + i, 1)));
        s.rebuild();
        long before = s.events();
        List<String> lines = new ArrayList<>();
        lines.add(item("g-o1", "o-1", 10));
        for (int i = 0; i < 40; i++) lines.add(item("g" + i, "w-" + i, 2));

        assertThrownIn(assertFileRefusedThenLoaded(s, "wide.jsonl", lines, before), "wide");
        assertProjectionEqualsARebuild(s, "o-1", 12);
        assertThat(OrderFold.actual(s.ds(), "orders_current").get("w-7")).endsWith("|3");
    }

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

    private static void assertThrownIn(Throwable refused, String method) {
        assertThat(refused.getStackTrace()).anySatisfy(f -> {
            assertThat(f.getClassName()).isEqualTo("io.inlet.store.EventStore");
            assertThat(f.getMethodName()).isEqualTo(method);
        });
    }

    private static void assertRefusedRetryable(Throwable refused) {
        assertThat(refused).isInstanceOf(StaleFeedsException.class)
                .hasMessageContaining("the database's definition of inline projection 'orders_current' of event table order_events "
                        + "differs from this instance's feeds")
                .hasMessageContaining("recycle or redeploy the functions with the feeds inlet migrate / inlet projection rebuild used");
        assertThat(((StaleFeedsException) refused).redefined()).containsExactly("orders_current");
        assertThat(Disposition.of(refused)).isEqualTo(Disposition.RETRY);
    }

    /** The projection as the appends left it equals the hand fold (items included), and a rebuild changes nothing. */
    private static void assertProjectionEqualsARebuild(Setting s, String stream, long items) throws Exception {
        Map<String, String> kept = OrderFold.actual(s.ds(), "orders_current");
        assertThat(kept).isEqualTo(OrderFold.expected(s.ds()));
        assertThat(kept.get(stream)).endsWith("|" + items);
        s.rebuild();
        assertThat(OrderFold.actual(s.ds(), "orders_current")).isEqualTo(kept);
    }
}
