package io.inlet.gcp.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.inlet.ingest.InboundMessage;
import io.inlet.trigger.Delivery.Undecodable;
import io.inlet.trigger.Delivery;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Decodes a {@code google.cloud.pubsub.topic.v1.messagePublished} CloudEvent: its data is
 * {@code {"message": PubsubMessage, "subscription": ...}}; the topic is in the event source.
 */
public final class MessagePublishedDecoder {

    public static final String TYPE = "google.cloud.pubsub.topic.v1.messagePublished";

    private MessagePublishedDecoder() {
    }

    /** @param configuredChannel INLET_CHANNEL, or null to use the topic's name */
    public static Delivery decode(CloudEvent event, String configuredChannel) {
        byte[] data = event.getData() == null ? new byte[0] : event.getData().toBytes();
        String source = event.getSource() == null ? null : event.getSource().toString();
        String channel = ChannelName.of(configuredChannel, source, null);
        try {
            if (!TYPE.equals(event.getType())) {
                throw new DecodeException("unexpected CloudEvent type '" + event.getType() + "' for a Pub/Sub trigger");
            }
            JsonNode envelope = Json.object(Json.utf8(data, "event data"), "event data");
            JsonNode message = envelope.get("message");
            if (message == null || !message.isObject()) throw new DecodeException("event data has no 'message' object");
            String subscription = ObjectResource.text(envelope, "subscription");
            return PubSubMessageDecoder.decode(message, ChannelName.of(configuredChannel, source, subscription));
        } catch (DecodeException e) {
            // Without a readable message the CloudEvent id stands in for the message id.
            return new Undecodable("messagePublished event " + event.getId() + ": " + e.getMessage(),
                    new InboundMessage(event.getId(), channel, new String(data, StandardCharsets.UTF_8),
                            Map.of("ce-type", String.valueOf(event.getType()))));
        }
    }
}
