package io.inlet.store;

/** What happened to one event of an appended batch. */
public enum EventOutcome {
    /** New: inserted with a stream version, its outbox rows written. */
    APPENDED,
    /** Its id was already there (or earlier in the batch) with the same payload: nothing written. */
    DUPLICATE,
    /** Its id was already there with a different payload: nothing written; the caller records it. */
    CONFLICT,
    /**
     * PostgreSQL refused its values with a data error ({@link StoreDataException}): nothing written;
     * only {@link EventStore#appendEach} says this, and the caller records the event as rejected.
     */
    REFUSED
}
