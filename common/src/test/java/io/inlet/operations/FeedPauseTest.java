package io.inlet.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.HeldFileResult;
import io.inlet.ledger.FeedPauses;
import io.inlet.source.ObjectRef;
import io.inlet.source.SourceResolver;
import io.inlet.store.Transactions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pausing a feed holds its new files in the ledger; resuming loads them in arrival order. */
class FeedPauseTest {

    @TempDir
    Path dir;
    OpsFixture fx;
    Inlet inlet;

    @BeforeEach
    void setUp() {
        fx = new OpsFixture(dir);
        inlet = fx.inlet(OpsFixture.FIXED, "w1");
    }

    double pausedGauge() {
        return inlet.meterRegistry().get("inlet.feeds.paused").gauge().value();
    }

    @Test
    void whilePausedANewFileIsHeldNotLoadedAndARedeliveryKeepsOneRow() throws Exception {
        inlet.pauseFeed("orders", "bob", "vendor sends garbage");
        assertThat(pausedGauge()).isEqualTo(1.0);
        ObjectRef ref = fx.write("orders/a.csv", 3);

        FileReport held = inlet.ingestFile(ref, fx.source, Deadline.none());
        FileReport redelivered = inlet.ingestFile(ref, fx.source, Deadline.none());

        assertThat(held.outcome()).isEqualTo(FileOutcome.HELD);
        assertThat(redelivered.outcome()).isEqualTo(FileOutcome.HELD);
        assertThat(redelivered.fileId()).isEqualTo(held.fileId());
        assertThat(fx.rows("SELECT status || ' ' || (lease_owner IS NULL) FROM ingested_files")).containsExactly("HELD true");
        assertThat(fx.count("SELECT count(*) FROM order_events")).isZero();
        assertThat(fx.count("SELECT count(*) FROM rejected_records")).isZero();
        // another feed runs on
        assertThat(inlet.ingestFile(fx.write("strict/b.csv", 2), fx.source, Deadline.none()).outcome())
                .isEqualTo(FileOutcome.COMPLETED);
        assertThat(inlet.pausedFeeds()).extracting(FeedPauses.Pause::feed, FeedPauses.Pause::pausedBy, FeedPauses.Pause::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("orders", "bob", "vendor sends garbage"));
        assertThat(inlet.heldFiles()).containsExactly(java.util.Map.entry("orders", 1L));
    }

    @Test
    void resumeLoadsTheHeldFilesInArrivalOrderAndClosesThePause() throws Exception {
        inlet.pauseFeed("orders", "bob", "maintenance");
        ObjectRef c = fx.write("orders/c.csv", 2);
        ObjectRef a = fx.write("orders/a.csv", 3);
        ObjectRef b = fx.write("orders/b.csv", 4);
        for (ObjectRef ref : List.of(c, a, b, a)) inlet.ingestFile(ref, fx.source, Deadline.none());

        List<HeldFileResult> resumed = inlet.resumeFeed("orders", "bob", SourceResolver.always(fx.source), Deadline.none());

        assertThat(resumed).extracting(r -> r.held().ref().key()).containsExactly("orders/c.csv", "orders/a.csv", "orders/b.csv");
        assertThat(resumed).extracting(r -> r.report().outcome()).containsOnly(FileOutcome.COMPLETED);
        assertThat(fx.rows("SELECT object_key FROM ingested_files ORDER BY completed_at, file_id"))
                .containsExactly("orders/c.csv", "orders/a.csv", "orders/b.csv");
        assertThat(fx.count("SELECT count(*) FROM order_events")).isEqualTo(9);
        assertThat(fx.rows("SELECT resumed_by || ' ' || (resumed_at >= paused_at) FROM feed_pauses")).containsExactly("bob true");
        assertThat(pausedGauge()).isZero();
        assertThat(inlet.ingestFile(a, fx.source, Deadline.none()).outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
        // resuming again finds nothing held
        assertThat(inlet.resumeFeed("orders", "bob", SourceResolver.always(fx.source), Deadline.none())).isEmpty();
    }

    @Test
    void aHeldFileRedeliveredOnceTheFeedRunsAgainIsLoadedOnce() throws Exception {
        inlet.pauseFeed("orders", "bob", "maintenance");
        ObjectRef ref = fx.write("orders/late.csv", 3);
        long id = inlet.ingestFile(ref, fx.source, Deadline.none()).fileId();
        // the pause closed without loading (say, a resume killed before it loaded anything)
        new FeedPauses(new Transactions(fx.ds)).resume("orders", "bob");

        FileReport loaded = inlet.ingestFile(ref, fx.source, Deadline.none());
        assertThat(loaded.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(loaded.fileId()).isEqualTo(id);
        assertThat(fx.count("SELECT count(*) FROM ingested_files")).isEqualTo(1);
        assertThat(fx.count("SELECT count(*) FROM order_events")).isEqualTo(3);
    }

    @Test
    void aFileAlreadyFinishedIsNotHeldAgainWhilePaused() throws Exception {
        ObjectRef ref = fx.write("orders/done.csv", 2);
        inlet.ingestFile(ref, fx.source, Deadline.none());
        inlet.pauseFeed("orders", "bob", "maintenance");
        assertThat(inlet.ingestFile(ref, fx.source, Deadline.none()).outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
        assertThat(fx.rows("SELECT status FROM ingested_files")).containsExactly("COMPLETED");
    }

    @Test
    void pausingTwiceKeepsTheFirstPauseAndUnknownOrMessageFeedsAreRefused() {
        FeedPauses.Pause first = inlet.pauseFeed("orders", "bob", "first");
        assertThat(inlet.pauseFeed("orders", "carol", "second")).isEqualTo(first);
        assertThatThrownBy(() -> inlet.pauseFeed("billing", "bob", "x")).hasMessageContaining("message feed")
                .hasMessageContaining("broker");
        assertThatThrownBy(() -> inlet.pauseFeed("nope", "bob", "x")).hasMessageContaining("no feed named nope");
    }
}
