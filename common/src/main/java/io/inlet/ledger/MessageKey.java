package io.inlet.ledger;

import java.util.Objects;

/** A broker message's identity: its channel (queue, topic or subscription) and the broker's id in it. */
public record MessageKey(String channel, String messageId) {

    public MessageKey {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(messageId, "messageId");
    }

    @Override
    public String toString() {
        return channel + "/" + messageId;
    }
}
