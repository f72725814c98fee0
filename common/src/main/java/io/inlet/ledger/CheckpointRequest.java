package io.inlet.ledger;

import io.inlet.parse.ResumePoint;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link FileLedger#checkpoint} records for {@code worker}'s lease on file {@code fileId}: where
 * lane {@code lane} of {@code lanes} continues ({@code next}), the batch's counts, the batch's first
 * error ({@code firstError}, the error of record {@code firstErrorRecord}; the record null when not
 * known) and the lease renewed for {@code lease}.
 */
public record CheckpointRequest(long fileId, String worker, int lane, int lanes, ResumePoint next, Counts delta,
                                String firstError, Long firstErrorRecord, Duration lease) {

    public CheckpointRequest {
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(delta, "delta");
        Objects.requireNonNull(lease, "lease");
        if (lanes < 1) throw new IllegalArgumentException("lanes must be at least 1: " + lanes);
        if (lane < 0 || lane >= lanes) throw new IllegalArgumentException("lane " + lane + " is not one of " + lanes + " lanes");
    }

    /** Whether the file is appended over one lane (its position is the file's own). */
    public boolean singleLane() {
        return lanes == 1;
    }

    /** A checkpoint of a one-lane file without an error; lane and error optional. */
    public static Builder builder(long fileId, String worker, ResumePoint next, Counts delta, Duration lease) {
        return new Builder(fileId, worker, next, delta, lease);
    }

    public static final class Builder {
        private final long fileId;
        private final String worker;
        private final ResumePoint next;
        private final Counts delta;
        private final Duration lease;
        private int lane;
        private int lanes = 1;
        private String firstError;
        private Long firstErrorRecord;

        private Builder(long fileId, String worker, ResumePoint next, Counts delta, Duration lease) {
            this.fileId = fileId;
            this.worker = worker;
            this.next = next;
            this.delta = delta;
            this.lease = lease;
        }

        /** The position is lane {@code lane}'s of a file appended over {@code lanes} lanes. */
        public Builder lane(int lane, int lanes) {
            this.lane = lane;
            this.lanes = lanes;
            return this;
        }

        /**
         * The batch's first error, of record {@code record}: it replaces the file's first error if
         * that is of a later record; with the record null it is kept only if there is none yet.
         */
        public Builder firstError(String error, Long record) {
            this.firstError = error;
            this.firstErrorRecord = record;
            return this;
        }

        /** The request; a missing or invalid value fails here, naming it. */
        public CheckpointRequest build() {
            return new CheckpointRequest(fileId, worker, lane, lanes, next, delta, firstError, firstErrorRecord, lease);
        }
    }
}
