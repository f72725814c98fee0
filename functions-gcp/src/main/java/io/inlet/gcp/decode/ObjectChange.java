package io.inlet.gcp.decode;

/** What happened to an object generation, as GCS reports it (Eventarc event type or notification eventType). */
public enum ObjectChange {
    /** A new generation was written ({@code finalized} / {@code OBJECT_FINALIZE}): a new version to ingest. */
    FINALIZED,
    /** The generation was deleted for good ({@code OBJECT_DELETE} without {@code overwrittenByGeneration}). */
    DELETED,
    /**
     * The generation was replaced by a newer one ({@code OBJECT_DELETE} or {@code OBJECT_ARCHIVE} carrying
     * {@code overwrittenByGeneration}): not a delete; the newer generation arrives as its own FINALIZED.
     */
    OVERWRITTEN,
    /** The live generation became noncurrent in a versioned bucket without a replacement: the key was deleted. */
    ARCHIVED,
    /** Only metadata changed ({@code OBJECT_METADATA_UPDATE}): the bytes are the same, nothing to ingest. */
    METADATA_UPDATED
}
