package io.inlet.ledger;

import io.inlet.ingest.Counts;
import io.inlet.parse.ResumePoint;
import java.time.Instant;

/** The answer of {@link FileLedger#claim}: whether this worker may ingest the object now. */
public sealed interface Claim {

    /** This worker holds the lease; ingest from {@code resumeFrom} (the start, or a checkpoint). */
    record Claimed(long fileId, ResumePoint resumeFrom, Counts countsSoFar, int slice, String correlationId)
            implements Claim {
        public boolean resumed() {
            return !resumeFrom.isStart();
        }
    }

    /** Already finished (completed, rejected, skipped as duplicate content, or removed). */
    record Finished(long fileId, String status, Counts counts, String firstError) implements Claim {
    }

    /** Another worker holds a live lease. */
    record Busy(long fileId, String leaseOwner, Instant leaseExpiresAt) implements Claim {
    }

    /** The notification is older (by S3 sequencer) than one already recorded for this key. */
    record Stale(String newerSequencer) implements Claim {
    }
}
