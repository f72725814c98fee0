package io.inlet.sweep;

import java.util.Objects;

/**
 * One ledger row of a key, as the sweep needs it: which version it is and whether it finished.
 *
 * @param version the version id or generation; empty when the notification had none
 * @param etag    the content tag; empty when the notification had none
 */
public record LedgerEntry(long fileId, String key, String version, String etag, State state) {

    /** Where the row stands, from its {@code status}. */
    public enum State {
        /** IN_PROGRESS: claimed, never finished (a crash, a lease left, a failure being retried). */
        UNFINISHED,
        /** COMPLETED, REJECTED or DUPLICATE_CONTENT: the version went through. */
        FINISHED,
        /** REMOVED: a deletion of the key was recorded. */
        REMOVED;

        public static State of(String status) {
            return switch (status) {
                case "IN_PROGRESS" -> UNFINISHED;
                case "COMPLETED", "REJECTED", "DUPLICATE_CONTENT" -> FINISHED;
                case "REMOVED" -> REMOVED;
                default -> throw new IllegalArgumentException("unknown ingested_files status '" + status + "'");
            };
        }
    }

    public LedgerEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(state, "state");
        version = version == null ? "" : version;
        etag = etag == null ? "" : etag;
    }
}
