package io.inlet.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.parse.ResumePoint;
import io.inlet.source.ObjectRef;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The ledger's request records refuse a wrong value when built, naming it, instead of storing it. */
class LedgerRequestsTest {

    static final ObjectRef REF = new ObjectRef("vendor-drop", "acme/orders.csv", "v1", "etag-1", 100L);
    static final Duration LEASE = Duration.ofMinutes(5);
    static final SliceRecord SLICE = new SliceRecord(0, ResumePoint.START, new ResumePoint(2, 2, 10), Instant.EPOCH);

    @Test
    void aClaimDefaultsToOneLaneAndNoOptionalValues() {
        ClaimRequest r = ClaimRequest.builder(REF, "acme", "w", LEASE).build();
        assertThat(r.lanes()).isEqualTo(1);
        assertThat(r.sequencer()).isNull();
        assertThat(r.correlationId()).isNull();
        assertThat(r.owners()).isNull();
    }

    @Test
    void aClaimWithoutAWorkerOrWithANonPositiveLeaseOrNoLaneIsRefused() {
        assertThatThrownBy(() -> ClaimRequest.builder(REF, "acme", null, LEASE).build()).hasMessageContaining("worker");
        assertThatThrownBy(() -> ClaimRequest.builder(REF, "acme", "w", Duration.ZERO).build()).hasMessageContaining("lease");
        assertThatThrownBy(() -> ClaimRequest.builder(REF, "acme", "w", LEASE).lanes(0).build()).hasMessageContaining("lanes");
    }

    @Test
    void aCheckpointOfALaneOutsideTheFilesLanesIsRefused() {
        CheckpointRequest.Builder b = CheckpointRequest.builder(1, "w", ResumePoint.START, Counts.ZERO, LEASE);
        assertThat(b.build().singleLane()).isTrue();
        assertThat(b.lane(1, 2).build().singleLane()).isFalse();
        assertThatThrownBy(() -> b.lane(2, 2).build()).hasMessageContaining("lane 2 is not one of 2 lanes");
        assertThatThrownBy(() -> b.lane(-1, 2).build()).hasMessageContaining("lane -1");
    }

    @Test
    void aFinishNamesAFileItDuplicatesOnlyForDuplicateContentAndNeverEndsRemoved() {
        assertThat(FinishRequest.builder(1, "w", FileStatus.DUPLICATE_CONTENT, Duration.ZERO, SLICE).duplicateOf(7L).build()
                .duplicateOf()).isEqualTo(7L);
        assertThatThrownBy(() -> FinishRequest.builder(1, "w", FileStatus.COMPLETED, Duration.ZERO, SLICE).duplicateOf(7L).build())
                .hasMessageContaining("duplicateOf 7 given for status COMPLETED");
        assertThatThrownBy(() -> FinishRequest.builder(1, "w", FileStatus.REMOVED, Duration.ZERO, SLICE).build())
                .hasMessageContaining("REMOVED");
        assertThat(FinishRequest.builder(1, "w", FileStatus.IN_PROGRESS, Duration.ZERO, SLICE).build().suspends()).isTrue();
    }
}
