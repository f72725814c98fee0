package io.inlet.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.ReprocessReport;
import io.inlet.ledger.Counts;
import io.inlet.ledger.Reprocessing;
import io.inlet.source.ObjectRef;
import io.inlet.source.SourceResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inlet reprocess}'s core: a finished version runs again after a feed fix, audited. */
class ReprocessTest {

    @TempDir
    Path dir;
    OpsFixture fx;

    @BeforeEach
    void setUp() {
        fx = new OpsFixture(dir);
    }

    ReprocessReport reprocess(Inlet inlet, long fileId, String reason) {
        return inlet.reprocess(new Reprocessing.Request(fileId, "alice", reason), SourceResolver.always(fx.source), Deadline.none());
    }

    /** Runbook "file rejected, feed fixed, reprocessed", as docs/operations.md tells it. */
    @Test
    void aRejectedFileIsLoadedWhenReprocessedAfterTheFeedFixAndTheRunIsAudited() throws Exception {
        ObjectRef ref = fx.write("strict/2026-11-20.csv", 5, 3);
        FileReport first = fx.inlet(OpsFixture.BROKEN, "w1").ingestFile(ref, fx.source, Deadline.none());
        assertThat(first.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(fx.count("SELECT count(*) FROM order_events")).isZero();

        // the feed is fixed (a second timestamp format); a plain redelivery still finds the version final
        Inlet fixed = fx.inlet(OpsFixture.FIXED, "w2");
        assertThat(fixed.ingestFile(ref, fx.source, Deadline.none()).outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);

        ReprocessReport again = reprocess(fixed, first.fileId(), "feed fix: second timestamp format");
        assertThat(again.report().outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(again.report().fileId()).isEqualTo(first.fileId());
        assertThat(again.report().counts()).isEqualTo(new Counts(5, 5, 0, 0, 0));
        assertThat(fx.count("SELECT count(*) FROM order_events")).isEqualTo(5);
        assertThat(fx.rows("SELECT status FROM ingested_files")).containsExactly("COMPLETED");
        assertThat(fx.rows("""
                SELECT operator || '|' || reason || '|' || previous_status || '|' || outcome || '|' || appended || '|'
                       || rejected || '|' || (finished_at >= requested_at) FROM reprocess_runs"""))
                .containsExactly("alice|feed fix: second timestamp format|REJECTED|COMPLETED|5|0|true");
        // the claim history is kept: the rejecting slice, then the reprocess's
        assertThat(fx.rows("SELECT slice_no || ' ' || outcome FROM ingest_slices ORDER BY slice_no"))
                .containsExactly("1 REJECTED", "2 COMPLETED");
        assertThat(fx.count("SELECT count(*) FROM rejected_records")).isZero();
    }

    @Test
    void recordsAlreadyStoredCountAsDuplicatesAndOnlyTheFormerRejectsAreAppended() throws Exception {
        ObjectRef ref = fx.write("orders/2026-11-20.csv", 25, 2, 17);
        FileReport first = fx.inlet(OpsFixture.BROKEN, "w1").ingestFile(ref, fx.source, Deadline.none());
        assertThat(first.counts()).isEqualTo(new Counts(25, 23, 0, 0, 2));
        long outboxBefore = fx.count("SELECT count(*) FROM outbox");

        ReprocessReport again = reprocess(fx.inlet(OpsFixture.FIXED, "w2"), first.fileId(), "time format fixed");
        assertThat(again.report().counts()).isEqualTo(new Counts(25, 2, 23, 0, 0));
        assertThat(fx.count("SELECT count(*) FROM order_events")).isEqualTo(25);
        assertThat(fx.count("SELECT count(*) FROM outbox")).isEqualTo(outboxBefore + 2);
        assertThat(fx.rows("SELECT rejects_cleared || ' ' || previous_rejected || ' ' || duplicate FROM reprocess_runs"))
                .containsExactly("2 2 23");
    }

    @Test
    void aChangedRecordFollowsTheConflictHandlingAndIsRecordedAsAConflict() throws Exception {
        ObjectRef ref = fx.write("orders/changed.csv", 4);
        FileReport first = fx.inlet(OpsFixture.FIXED, "w1").ingestFile(ref, fx.source, Deadline.none());
        assertThat(first.counts().appended()).isEqualTo(4);
        Path file = dir.resolve("orders/changed.csv");
        Files.writeString(file, Files.readString(file).replace(",3.50,", ",9.50,"));

        ReprocessReport again = reprocess(fx.inlet(OpsFixture.FIXED, "w2"), first.fileId(), "vendor says row 3 changed");
        assertThat(again.report().counts()).isEqualTo(new Counts(4, 0, 3, 1, 0));
        assertThat(fx.rows("SELECT kind || ' ' || record_number FROM rejected_records")).containsExactly("CONFLICT 3");
        assertThat(fx.rows("SELECT payload->>'amount' FROM order_events ORDER BY event_id")).doesNotContain("9.50");
    }

    @Test
    void onlyACompletedOrRejectedVersionIsReopened() throws Exception {
        Inlet inlet = fx.inlet(OpsFixture.FIXED, "w1");
        inlet.pauseFeed("orders", "bob", "vendor incident");
        FileReport held = inlet.ingestFile(fx.write("orders/held.csv", 2), fx.source, Deadline.none());

        ReprocessReport refused = reprocess(inlet, held.fileId(), "try");
        assertThat(refused.reopen()).isInstanceOfSatisfying(Reprocessing.Reopen.NotReopenable.class,
                n -> assertThat(n.entry().status()).isEqualTo("HELD"));
        assertThat(refused.report()).isNull();
        assertThat(reprocess(inlet, 9999, "try").reopen()).isInstanceOf(Reprocessing.Reopen.Unknown.class);
        assertThat(fx.count("SELECT count(*) FROM reprocess_runs")).isZero();
        assertThatThrownBy(() -> new Reprocessing.Request(1, "alice", " ")).hasMessageContaining("--reason");
    }
}
