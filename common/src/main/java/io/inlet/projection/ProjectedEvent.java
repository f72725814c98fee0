package io.inlet.projection;

import java.time.Instant;
import java.util.UUID;

/** A stored event as a projection sees it: with its stream version, which the event table assigned. */
public record ProjectedEvent(UUID eventId, String streamId, long streamVersion, String eventType, int schemaVersion,
                             Instant occurredAt, String payloadJson) {
}
