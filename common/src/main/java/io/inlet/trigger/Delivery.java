package io.inlet.trigger;

import io.inlet.event.TraceContext;
import io.inlet.ingest.InboundMessage;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import java.util.Objects;

/**
 * What one platform payload (an S3 or GCS notification, an SQS record, a Pub/Sub message, an
 * EventBridge event) means, whichever cloud it came from. Each cloud's decoders are pure functions
 * from its payloads to this type; {@link DeliveryHandler} is the one place that acts on it. A decoder
 * never throws: a payload it cannot read is {@link Undecodable}.
 */
public sealed interface Delivery {

    /**
     * One object notification.
     *
     * @param ref       the object version (key decoded exactly once, version or generation kept)
     * @param change    what happened to it
     * @param sequencer the per-key ordering token (S3 sequencer, GCS generation), or null when absent
     * @param trace     the trace context the notification carried, or null
     * @param original  the notification as delivered: its id (the notice id), channel and text, recorded with
     *                  the reason if the notice fails permanently
     */
    record ObjectNotice(ObjectRef ref, ObjectChange change, ObjectSequencer sequencer, TraceContext trace,
                        InboundMessage original) implements Delivery {
        public ObjectNotice {
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(original, "original");
        }

        /** The notification's id (S3 request id, SQS message id, CloudEvent id, Pub/Sub message id). */
        public String noticeId() {
            return original.messageId();
        }
    }

    /**
     * A business message for the message feeds. Its body is not classified here: the core decides
     * whether it is one JSON object, an array of them, or a CloudEvent (structured or binary mode).
     *
     * @param message the message id, the channel (queue, topic or subscription) it came on, body and attributes
     * @param trace   the trace context it carried, or null
     */
    record BusinessMessage(InboundMessage message, TraceContext trace) implements Delivery {
        public BusinessMessage {
            Objects.requireNonNull(message, "message");
        }
    }

    /** A payload that asks for nothing (e.g. the {@code s3:TestEvent} S3 sends when notifications are configured). */
    record NothingToDo(String reason) implements Delivery {
        public NothingToDo {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A payload that cannot be understood and never will be: recorded with its reason and given up.
     *
     * @param reason   what is wrong, naming the field
     * @param original the payload as a message to record: its id when one could be read (else a digest), the
     *                 channel, and the raw text
     */
    record Undecodable(String reason, InboundMessage original) implements Delivery {
        public Undecodable {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(original, "original");
        }
    }
}
