package io.inlet.ledger;

import io.inlet.ledger.Counts;
import io.inlet.parse.ResumePoint;
import java.time.Instant;
import java.util.List;

/** The answer of {@link FileLedger#claim}: whether this worker may ingest the object now. */
public sealed interface Claim {

    /**
     * This worker holds the lease; ingest from {@code resumeFrom} (the start, or a checkpoint). The
     * file is appended over {@code lanes} lanes (fixed at its first claim); {@code lanePositions}
     * says, per lane, where that lane's records continue: a lane skips its records before its own
     * position. {@code resumeFrom} is the lowest of them.
     */
    record Claimed(long fileId, ResumePoint resumeFrom, Counts countsSoFar, int slice, String correlationId,
                   int lanes, List<ResumePoint> lanePositions) implements Claim {
        public Claimed {
            lanePositions = List.copyOf(lanePositions);
            if (lanePositions.size() != lanes) {
                throw new IllegalArgumentException(lanes + " lanes but " + lanePositions.size() + " lane positions");
            }
        }

        /** Whether an earlier attempt committed anything: a position past the start on any lane. */
        public boolean resumed() {
            return lanePositions.stream().anyMatch(p -> !p.isStart());
        }
    }

    /** Already finished (completed, rejected, skipped as duplicate content, or removed). */
    record Finished(long fileId, FileStatus status, Counts counts, String firstError) implements Claim {
    }

    /** Another worker holds a live lease. */
    record Busy(long fileId, String leaseOwner, Instant leaseExpiresAt) implements Claim {
    }

    /** The notification is older (by S3 sequencer or GCS generation) than one already recorded for this key. */
    record Stale(String newerSequencer) implements Claim {
    }
}
