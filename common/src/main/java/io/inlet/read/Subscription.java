package io.inlet.read;

import java.time.Instant;
import java.util.List;

/**
 * One catch-up subscription as stored.
 *
 * @param types        event types it delivers; empty means all
 * @param fromPosition only events at or after this position (null: no bound)
 * @param fromTime     only events recorded at or after this time (null: no bound)
 * @param start        the checkpoint it started after
 * @param checkpoint   the last event it delivered or passed over
 * @param caughtUpAt   when a slice first reached the reader's tail (backfill done); null while backfilling
 * @param asVersions   the schema version it delivers each named event type at (upcast); others as stored
 */
public record Subscription(String name, String destination, List<String> types, String startFrom, Long fromPosition,
                           Instant fromTime, Checkpoint start, Checkpoint checkpoint, long delivered, Instant createdAt,
                           Instant lastRunAt, Instant caughtUpAt, String lastError, AsVersions asVersions) {

    public Subscription {
        types = List.copyOf(types);
        java.util.Objects.requireNonNull(asVersions, "asVersions");
    }

    /** Whether an event passes the start bounds (the type filter is the reader's). */
    boolean admits(ReadEvent e) {
        return (fromPosition == null || e.position() >= fromPosition)
                && (fromTime == null || !e.recordedAt().isBefore(fromTime));
    }
}
