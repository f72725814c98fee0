package io.inlet.projection;

import static io.inlet.projection.ProjectionAddedWhileInstancesRunTest.instance;
import static io.inlet.projection.ProjectionAddedWhileInstancesRunTest.item;
import static io.inlet.projection.ProjectionAddedWhileInstancesRunTest.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.inlet.DatabaseDeployment;
import io.inlet.Inlet;
import io.inlet.db.SchemaMissingException;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.MessageOutcome;
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
 * The reverse of {@link ProjectionAddedWhileInstancesRunTest}: an operator removes inline projection
 * {@code orders_current} from the feeds file (or makes it async) and deploys. Instances on the new
 * feeds must not be refused forever by the catalog guard: {@code inlet migrate} (the shared
 * {@link DatabaseDeployment#run}) retires the row, keeping the table; a second run does nothing; an
 * instance still on the old feeds refuses, retryable, and never folds an event into the kept table
 * over a gap; declaring it again rebuilds it.
 */
class ProjectionRetiredFromTheFeedsTest {

    @TempDir
    Path dir;

    private static final String P = "orders_current";

    /** The feeds after the operator removed the inline projection. */
    static String withoutIt(int batchSize) {
        return ProjectionAddedWhileInstancesRunTest.olderFeeds(batchSize);
    }

    /** The feeds after the operator made the inline projection async. */
    static String madeAsync(int batchSize) {
        String feeds = ProjectionAddedWhileInstancesRunTest.currentFeeds(batchSize);
        int at = feeds.indexOf("  - name: " + P);
        return feeds.substring(0, at) + feeds.substring(at).replaceFirst("mode: inline", "mode: async");
    }

    /** A database migrated with the projection, an old instance on those feeds, some history. */
    private record Setting(DataSource ds, Inlet old, FeedRegistry before, FeedRegistry after) {

        static Setting start(String afterFeeds, int batchSize) throws Exception {
            FeedRegistry before = FeedRegistry.parse(ProjectionAddedWhileInstancesRunTest.currentFeeds(batchSize), "feeds.yaml");
            FeedRegistry after = FeedRegistry.parse(afterFeeds, "feeds.yaml");
            DataSource ds = TestDatabase.fresh(List.copyOf(before.eventTables()));
            DatabaseDeployment.run(ds, before, List.of());
            Inlet old = instance(ds, before, "old");
            old.ingestMessage(message("h1", "{\"id\":\"h1\",\"type\":\"OrderPlaced\",\"order\":\"o-1\",\"at\":\"2026-12-06T10:00:00Z\",\"amount\":\"9.50\"}"));
            old.ingestMessage(message("h2", item("h2", "o-1", 2)));
            old.ingestMessage(message("h3", item("h3", "o-2", 3)));
            assertThat(OrderFold.actual(ds, P)).isEqualTo(OrderFold.expected(ds));
            return new Setting(ds, old, before, after);
        }

        List<String> migrate() {
            return DatabaseDeployment.run(ds, after, List.of()).projections();
        }

        Inlet deployed() {
            return instance(ds, after, "new");
        }

        long events() throws Exception {
            return Long.parseLong(rows("SELECT count(*) FROM order_events").get(0));
        }

        List<String> rows(String sql) throws Exception {
            return InlineProjectionRefusalTest.rows(ds, sql);
        }
    }

    @Test
    void migrateRetiresAProjectionRemovedFromTheFeedsKeepingItsTableAndAnInstanceOnTheNewFeedsThenAppends() throws Exception {
        Setting s = Setting.start(withoutIt(4), 4);
        Inlet deployed = s.deployed();
        Map<String, String> kept = OrderFold.actual(s.ds(), P);
        var m = message("n1", item("n1", "o-1", 5));

        Throwable refused = catchThrowable(() -> deployed.ingestMessage(m));
        assertThat(refused).isInstanceOf(StaleFeedsException.class)
                .hasMessageContaining("'" + P + "'").hasMessageContaining("was removed from the feeds")
                .hasMessageContaining("run inlet migrate");
        assertThat(((StaleFeedsException) refused).undeclared()).containsExactly(P);
        assertThat(Disposition.of(refused)).isEqualTo(Disposition.RETRY);

        List<String> lines = s.migrate();

        assertThat(lines).contains("projection " + P + ": retired (no longer declared by the feeds); table " + P
                + " kept, no longer maintained (events of order_events)");
        assertThat(s.rows("SELECT (retired_at IS NOT NULL) || '|' || mode FROM projections WHERE name = '" + P + "'"))
                .containsExactly("true|inline");
        assertThat(deployed.ingestMessage(m).status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertThat(OrderFold.actual(s.ds(), P)).isEqualTo(kept);
    }

    @Test
    void migrateRunTwiceRetiresNothingTheSecondTime() throws Exception {
        Setting s = Setting.start(withoutIt(4), 4);
        assertThat(s.migrate()).anySatisfy(l -> assertThat(l).startsWith("projection " + P + ": retired"));
        String retiredAt = s.rows("SELECT retired_at::text FROM projections WHERE name = '" + P + "'").get(0);

        List<String> second = s.migrate();

        assertThat(second).noneSatisfy(l -> assertThat(l).contains(P));
        assertThat(second).containsExactly("projection orders_async: current");
        assertThat(s.rows("SELECT retired_at::text FROM projections WHERE name = '" + P + "'")).containsExactly(retiredAt);
        assertThat(s.rows("SELECT count(*) FROM " + P)).containsExactly("2");
    }

    @Test
    void anOldInstanceStillDeclaringARetiredProjectionRefusesRetryableOnEveryPathAndTheKeptTableIsNotFoldedOverAGap() throws Exception {
        Setting s = Setting.start(withoutIt(500), 500);
        for (int i = 0; i < 40; i++) s.old().ingestMessage(message("w" + i, item("w" + i, "w-" + i, 1)));
        s.migrate();
        Map<String, String> kept = OrderFold.actual(s.ds(), P);
        // an instance on the new feeds appends o-1's version 3: not projected, the table no longer maintained
        s.deployed().ingestMessage(message("n1", item("n1", "o-1", 5)));
        long before = s.events();

        // one round trip (gated message)
        Throwable gated = catchThrowable(() -> s.old().ingestMessage(message("o1", item("o1", "o-1", 7))));
        assertRefusedAsNotInForce(gated);
        assertThat(s.rows("SELECT count(*) FROM processed_messages WHERE message_id = 'o1'")).containsExactly("0");

        // a file of wide batches (COPY, then the catalog check)
        List<String> lines = new ArrayList<>();
        lines.add(item("g-o1", "o-1", 10));
        for (int i = 0; i < 40; i++) lines.add(item("g" + i, "w-" + i, 2));
        Path file = dir.resolve("orders/wide.jsonl");
        Files.createDirectories(file.getParent());
        Files.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        LocalFileSource source = new LocalFileSource(dir);
        Throwable wide = catchThrowable(() -> s.old().ingestFile(source.refFor("drop", file), source, Deadline.none()));
        assertRefusedAsNotInForce(wide);

        assertThat(s.events()).isEqualTo(before);
        assertThat(OrderFold.actual(s.ds(), P)).isEqualTo(kept);
        assertThat(s.rows("SELECT status || '|' || failed_attempts FROM ingested_files")).containsExactly("IN_PROGRESS|0");
        // and an instance declaring it cannot start any more
        assertThatThrownBy(() -> instance(s.ds(), s.before(), "cold")).isInstanceOf(SchemaMissingException.class)
                .hasMessageContaining(P).hasMessageContaining("retired");
        // the redelivery on an instance of the new feeds loads
        assertThat(s.deployed().ingestFile(source.refFor("drop", file), source, Deadline.none()).outcome())
                .isEqualTo(FileOutcome.COMPLETED);
    }

    private static void assertRefusedAsNotInForce(Throwable refused) {
        assertThat(refused).isInstanceOf(StaleFeedsException.class).hasMessageContaining("'" + P + "'")
                .hasMessageContaining("no longer has it in force").hasMessageContaining("recycle or redeploy the functions");
        assertThat(((StaleFeedsException) refused).notInForce()).containsExactly(P);
        assertThat(Disposition.of(refused)).isEqualTo(Disposition.RETRY);
    }

    @Test
    void declaringARetiredProjectionAgainRebuildsItFromHistoryIncludingTheEventsAppendedWhileRetired() throws Exception {
        Setting s = Setting.start(withoutIt(4), 4);
        s.migrate();
        s.deployed().ingestMessage(message("n1", item("n1", "o-1", 5)));
        s.deployed().ingestMessage(message("n2", item("n2", "o-3", 1)));

        List<String> lines = DatabaseDeployment.run(s.ds(), s.before(), List.of()).projections();

        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("projection " + P + ": declared again after its retirement; rebuilt"));
        assertThat(s.rows("SELECT count(*) FROM projections WHERE retired_at IS NOT NULL")).containsExactly("0");
        assertThat(OrderFold.actual(s.ds(), P)).isEqualTo(OrderFold.expected(s.ds()));
        assertThat(OrderFold.actual(s.ds(), P).get("o-1")).endsWith("|7");
        assertThat(instance(s.ds(), s.before(), "again").ingestMessage(message("a1", item("a1", "o-1", 1))).status())
                .isEqualTo(MessageOutcome.Status.APPENDED);
        assertThat(OrderFold.actual(s.ds(), P)).isEqualTo(OrderFold.expected(s.ds()));
    }

    @Test
    void anInlineProjectionMadeAsyncIsRebuiltAsyncByMigrateAndInstancesOnTheNewFeedsAppendAndProjectIt() throws Exception {
        Setting s = Setting.start(madeAsync(4), 4);
        Inlet deployed = s.deployed();
        var m = message("n1", item("n1", "o-1", 5));
        assertThat(catchThrowable(() -> deployed.ingestMessage(m))).isInstanceOf(StaleFeedsException.class);

        List<String> lines = s.migrate();

        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("projection " + P + ": declared async, built inline; rebuilt"));
        assertThat(s.rows("SELECT mode || '|' || (retired_at IS NULL) FROM projections WHERE name = '" + P + "'"))
                .containsExactly("async|true");
        assertThat(deployed.ingestMessage(m).status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertRefusedAsNotInForce(catchThrowable(() -> s.old().ingestMessage(message("o1", item("o1", "o-2", 1)))));
        deployed.project(Deadline.none());
        assertThat(OrderFold.actual(s.ds(), P)).isEqualTo(OrderFold.expected(s.ds()));
        assertThat(OrderFold.actual(s.ds(), P).get("o-1")).endsWith("|7");
        assertThat(s.migrate()).noneSatisfy(l -> assertThat(l).contains("rebuilt"));
    }
}
