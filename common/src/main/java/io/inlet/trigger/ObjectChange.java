package io.inlet.trigger;

/** What happened to an object, in the words every cloud's notifications map onto. */
public enum ObjectChange {
    /** A new object version (S3 ObjectCreated:*, GCS finalized / OBJECT_FINALIZE): ingest it. */
    CREATED,
    /** The version is gone (S3 ObjectRemoved:* / LifecycleExpiration:*, GCS deleted or archived): record the removal. */
    REMOVED,
    /** GCS only: a generation replaced by a newer one, whose own CREATED notice follows. Nothing to do. */
    OVERWRITTEN,
    /** GCS only: metadata changed, the bytes did not. Nothing to do. */
    METADATA_UPDATED
}
