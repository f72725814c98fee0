package io.inlet.gcp.decode;

import io.inlet.ingest.InboundMessage;
import java.util.Objects;

/**
 * A Pub/Sub message carrying business events, ready for {@code Inlet.ingestMessage}.
 *
 * @param message the message: Pub/Sub messageId, channel, decoded data as body, attributes
 * @param form    how the events are written in it
 */
public record BusinessMessage(InboundMessage message, BodyForm form) implements Decoded {

    /** The three ways a business event travels in a Pub/Sub message. */
    public enum BodyForm {
        /** A plain JSON object; the message feed's mapping makes the event. */
        PLAIN_JSON,
        /** A CloudEvent in structured mode: the data is the CloudEvent JSON. */
        STRUCTURED_CLOUDEVENT,
        /** A CloudEvent in binary mode: {@code ce-*} attributes, the data is the event data. */
        BINARY_CLOUDEVENT
    }

    public BusinessMessage {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(form, "form");
    }
}
