package io.inlet.ingest;

import java.util.Map;
import java.util.Objects;

/**
 * A queue or topic message carrying business events, as handlers hand it to the core.
 *
 * @param messageId  broker message id (SQS MessageId, Pub/Sub messageId): the idempotency key
 * @param channel    logical name of the queue or topic it arrived on; selects the message feed
 * @param body       the message body (plain JSON object or a structured CloudEvent)
 * @param attributes message attributes (may carry CloudEvent {@code ce-*} binary-mode attributes)
 */
public record InboundMessage(String messageId, String channel, String body, Map<String, String> attributes) {

    public InboundMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(body, "body");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
