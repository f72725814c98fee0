package io.inlet.projection;

/** What one run of an async projector did: events applied and whether it caught up, or why it stopped. */
public record ProjectorReport(String name, long applied, Status status, String detail) {

    public enum Status {
        /** Applied what there was; nothing left to read. */
        CAUGHT_UP,
        /** Stopped at its event budget; more to read next run. */
        BUDGET_SPENT,
        /** Another projector or a rebuild holds it; nothing done. */
        BUSY,
        /** Not built in this database, or built from another definition: run {@code inlet projection rebuild}. */
        NEEDS_REBUILD,
        /** An event's value was refused; the checkpoint stays before it (see {@code detail} and the catalog's last_error). */
        FAILED
    }
}
