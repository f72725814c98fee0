package io.inlet.gcp.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.inlet.ingest.InboundMessage;
import io.inlet.trigger.Delivery.Undecodable;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Decodes the body of a Pub/Sub push request:
 * {@code {"message": PubsubMessage, "subscription": "projects/P/subscriptions/S", "deliveryAttempt": N}}.
 */
public final class PushEnvelopeDecoder {

    private PushEnvelopeDecoder() {
    }

    /** @param configuredChannel INLET_CHANNEL, or null to use the subscription's name */
    public static PushDelivery decode(byte[] body, String configuredChannel) {
        String subscription = null;
        try {
            JsonNode envelope = Json.object(Json.utf8(body, "push request body"), "push request body");
            subscription = ObjectResource.text(envelope, "subscription");
            int attempt = deliveryAttempt(envelope);
            JsonNode message = envelope.get("message");
            if (message == null || !message.isObject()) throw new DecodeException("push request body has no 'message' object");
            String channel = ChannelName.of(configuredChannel, null, subscription);
            return new PushDelivery(PubSubMessageDecoder.decode(message, channel), subscription, attempt);
        } catch (DecodeException e) {
            String channel = ChannelName.of(configuredChannel, null, subscription);
            InboundMessage original = new InboundMessage(Json.digestId(body), channel,
                    new String(body, StandardCharsets.UTF_8), Map.of());
            return new PushDelivery(new Undecodable("push delivery: " + e.getMessage(), original), subscription, 0);
        }
    }

    private static int deliveryAttempt(JsonNode envelope) throws DecodeException {
        JsonNode n = envelope.get("deliveryAttempt");
        if (n == null || n.isNull()) return 0;
        if (!n.canConvertToInt() || !n.isIntegralNumber()) throw new DecodeException("deliveryAttempt is not an integer: " + n);
        return n.intValue();
    }
}
