package io.inlet.gcp.decode;

import io.inlet.trigger.Delivery;
import java.util.Objects;

/**
 * One push-subscription delivery.
 *
 * @param content         what the message means
 * @param subscription    {@code projects/P/subscriptions/S}, or null when the envelope is unreadable
 * @param deliveryAttempt Pub/Sub's attempt counter (present when the subscription has a dead-letter
 *                        policy), else 0
 */
public record PushDelivery(Delivery content, String subscription, int deliveryAttempt) {

    public PushDelivery {
        Objects.requireNonNull(content, "content");
    }
}
