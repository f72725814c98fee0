package io.inlet.gcp.decode;

import io.inlet.ingest.InboundMessage;
import java.util.Objects;

/**
 * A payload that cannot be understood and never will be: a poison message. Handlers record it with
 * its reason and acknowledge it rather than have it redelivered forever.
 *
 * @param reason   what is wrong, naming the field
 * @param original the payload as a message to record: the message or CloudEvent id when one could be
 *                 read (else a digest of the payload), the channel, and the raw text
 */
public record Undecodable(String reason, InboundMessage original) implements Decoded {

    public Undecodable {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(original, "original");
    }
}
