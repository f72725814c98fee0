package io.inlet.ledger;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link FileLedger#finish} ends {@code worker}'s slice of file {@code fileId}: with
 * {@code status} (IN_PROGRESS suspends it for the next slice; any other status finishes the file),
 * the content hash when known, the file it duplicates (DUPLICATE_CONTENT), the error that ends it,
 * the time the slice took and the slice's extent.
 */
public record FinishRequest(long fileId, String worker, FileStatus status, String sha256, Long duplicateOf,
                            String error, Duration spent, SliceRecord slice) {

    public FinishRequest {
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(spent, "spent");
        Objects.requireNonNull(slice, "slice");
        if (status == FileStatus.REMOVED) throw new IllegalArgumentException("a slice never ends REMOVED");
        if (duplicateOf != null && status != FileStatus.DUPLICATE_CONTENT) {
            throw new IllegalArgumentException("duplicateOf " + duplicateOf + " given for status " + status);
        }
    }

    /** Whether the slice only suspends the file (the next slice resumes at its end). */
    public boolean suspends() {
        return status == FileStatus.IN_PROGRESS;
    }

    /** Ends the slice with {@code status}; hash, duplicate and error optional. */
    public static Builder builder(long fileId, String worker, FileStatus status, Duration spent, SliceRecord slice) {
        return new Builder(fileId, worker, status, spent, slice);
    }

    public static final class Builder {
        private final long fileId;
        private final String worker;
        private final FileStatus status;
        private final Duration spent;
        private final SliceRecord slice;
        private String sha256;
        private Long duplicateOf;
        private String error;

        private Builder(long fileId, String worker, FileStatus status, Duration spent, SliceRecord slice) {
            this.fileId = fileId;
            this.worker = worker;
            this.status = status;
            this.spent = spent;
            this.slice = slice;
        }

        /** The SHA-256 of the content (hex), when the slice read the whole file. */
        public Builder sha256(String sha256) {
            this.sha256 = sha256;
            return this;
        }

        /** The completed file whose content this one repeats. */
        public Builder duplicateOf(Long fileId) {
            this.duplicateOf = fileId;
            return this;
        }

        /** The error that ends the file (REJECTED: why; otherwise kept only if there is none yet). */
        public Builder error(String error) {
            this.error = error;
            return this;
        }

        /** The request; a missing or invalid value fails here, naming it. */
        public FinishRequest build() {
            return new FinishRequest(fileId, worker, status, sha256, duplicateOf, error, spent, slice);
        }
    }
}
