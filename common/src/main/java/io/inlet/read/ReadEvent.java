package io.inlet.read;

import java.time.Instant;
import java.util.UUID;

/**
 * One event as read, with the table it is stored in and its place in the read order.
 *
 * @param payload the payload as JSON text, as stored
 */
public record ReadEvent(String table, Checkpoint checkpoint, UUID eventId, String streamId, long streamVersion,
                        String eventType, int schemaVersion, Instant occurredAt, Instant recordedAt,
                        String correlationId, String causationId, String source, String payload) {

    public long position() {
        return checkpoint.position();
    }
}
