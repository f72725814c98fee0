package io.inlet.ingest;

/** How an attempt to ingest one object ended. */
public enum FileOutcome {
    /** Every record is now an event (appended now or before) or a rejected record. */
    COMPLETED,
    /** The error policy rejected the whole file; nothing was appended. */
    REJECTED,
    /** The ledger already had this object version completed (a redelivery): nothing done. */
    ALREADY_COMPLETED,
    /** Another worker holds a live lease on it: retry later. */
    IN_PROGRESS_ELSEWHERE,
    /** The same bytes were already ingested under another key and the feed says skip. */
    DUPLICATE_CONTENT_SKIPPED,
    /** The deadline came first: checkpointed, and a continuation must be scheduled. */
    SUSPENDED,
    /** An ObjectRemoved notification, recorded in the ledger. */
    REMOVED,
    /** A notification older (by sequencer) than one already processed for the key. */
    STALE_NOTIFICATION,
    /**
     * The feed is paused: the version is held in the ledger (status HELD) and loaded on resume; or
     * the file waits for its control-totals sidecar (released, loaded when the sidecar arrives).
     */
    HELD,
    /** A receipt Inlet wrote or a control-totals sidecar: never ingested as a data file. */
    CONTROL_OBJECT
}
