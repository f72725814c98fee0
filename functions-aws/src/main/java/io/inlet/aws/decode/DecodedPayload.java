package io.inlet.aws.decode;

import io.inlet.ingest.InboundMessage;
import java.util.List;
import java.util.Objects;

/**
 * What one trigger payload (a direct S3 event, an EventBridge event, or one SQS record's body)
 * turned out to be. Decoding never throws: a payload it cannot read is {@link Undecodable}.
 */
public sealed interface DecodedPayload {

    /** One or more S3 object notifications (a direct or SQS-delivered S3 event, or EventBridge). */
    record ObjectNotices(List<ObjectNotice> notices) implements DecodedPayload {
        public ObjectNotices {
            notices = List.copyOf(notices);
        }
    }

    /** The {@code s3:TestEvent} S3 sends when notifications are configured: acknowledge, ingest nothing. */
    record TestEvent(String bucket) implements DecodedPayload {
    }

    /** A business event (plain JSON object or a structured CloudEvent) for the message feeds. */
    record BusinessMessage(InboundMessage message) implements DecodedPayload {
        public BusinessMessage {
            Objects.requireNonNull(message, "message");
        }
    }

    /** None of the known shapes: a permanent failure, with the reason. */
    record Undecodable(String reason) implements DecodedPayload {
        public Undecodable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
