package io.inlet.outbox;

import java.util.UUID;

/**
 * One derived event ready to publish.
 *
 * @param outboxId      the outbox row; how results are reported back
 * @param destination   logical destination name from the feeds file; adapters map it to a queue/topic
 * @param eventId       CloudEvent id; the FIFO deduplication id
 * @param eventType     CloudEvent type; a message attribute
 * @param schemaVersion a message attribute
 * @param streamId      CloudEvent subject; the FIFO message group / Pub/Sub ordering key
 * @param correlationId a message attribute
 * @param body          the CloudEvent 1.0 JSON (structured mode)
 * @param traceparent   W3C trace context continuing the trace the correlation id names (null when the
 *                      correlation id is not a trace id): a {@code traceparent} message attribute, and
 *                      the same value as the body's {@code traceparent} extension
 */
public record OutboxMessage(long outboxId, String destination, UUID eventId, String eventType, int schemaVersion,
                            String streamId, String correlationId, String body, String traceparent) {

    /** A message that carries no trace context. */
    public OutboxMessage(long outboxId, String destination, UUID eventId, String eventType, int schemaVersion,
                         String streamId, String correlationId, String body) {
        this(outboxId, destination, eventId, eventType, schemaVersion, streamId, correlationId, body, null);
    }
}
