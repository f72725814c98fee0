package io.inlet.feed;

/** What a feed does when a file's bytes equal an already completed file under another key. */
public enum DuplicateContentPolicy {
    /** Ingest it anyway; event ids decide what is new (the default). */
    INGEST,
    /** Record it in the ledger as a duplicate of the earlier file and ingest nothing. */
    SKIP
}
