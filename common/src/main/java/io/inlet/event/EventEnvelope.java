package io.inlet.event;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One immutable event, as it is appended to an event table (stream version is assigned there).
 *
 * @param eventId       UUIDv5: stable across retries, the idempotency key
 * @param streamId      the stream (aggregate) the event belongs to
 * @param eventType     past-tense type, e.g. {@code OrderPlaced}
 * @param schemaVersion version of the payload's schema
 * @param occurredAt    business time from the record
 * @param correlationId groups everything one file or message caused
 * @param causationId   what directly caused this event (file id, message id), may be null
 * @param source        where it came from: {@code s3://bucket/key#version@record=12} or {@code sqs:queue/msg-id}
 * @param payloadJson   the payload as a JSON object text
 */
public record EventEnvelope(UUID eventId, String streamId, String eventType, int schemaVersion, Instant occurredAt,
                            String correlationId, String causationId, String source, String payloadJson) {

    public EventEnvelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(payloadJson, "payloadJson");
    }
}
