package io.inlet.gcp.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.inlet.event.TraceContext;
import io.inlet.ingest.InboundMessage;
import io.inlet.trigger.Delivery.BusinessMessage;
import io.inlet.trigger.Delivery.Undecodable;
import io.inlet.trigger.Delivery;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes one Pub/Sub message (the {@code PubsubMessage} JSON as Eventarc and push subscriptions
 * deliver it: {@code data} base64, {@code attributes}, {@code messageId}).
 *
 * <ul>
 *   <li>A GCS notification (attributes {@code eventType=OBJECT_*}, {@code bucketId}, {@code objectId})
 *       becomes an object notice: the generation from {@code objectGeneration}; OBJECT_DELETE or
 *       OBJECT_ARCHIVE with {@code overwrittenByGeneration} is {@code OVERWRITTEN}, not a delete.</li>
 *   <li>Otherwise the data is a business message, handed to the core as UTF-8 text without being
 *       classified: the core decides whether it is a JSON object, an array of them, or a CloudEvent
 *       (structured, or binary mode with {@code ce-*} attributes), and refuses anything else.
 *       Attributes go with the message as they are.</li>
 *   <li>Anything else is {@link Undecodable}, naming the field.</li>
 * </ul>
 */
public final class PubSubMessageDecoder {

    private PubSubMessageDecoder() {
    }

    /**
     * @param message the PubsubMessage JSON object
     * @param channel the logical channel the message arrived on (see {@link ChannelName})
     */
    public static Delivery decode(JsonNode message, String channel) {
        String messageId = messageId(message);
        byte[] raw = message.toString().getBytes(StandardCharsets.UTF_8);
        String id = messageId != null ? messageId : Json.digestId(raw);
        Map<String, String> attributes = new LinkedHashMap<>();
        String body = message.toString();
        try {
            if (messageId == null) throw new DecodeException("message has no messageId");
            attributes = attributes(message);
            byte[] data = data(message);
            body = data.length == 0 ? "" : textOrBase64(data);
            if (GcsNotification.matches(attributes)) {
                return GcsNotification.decode(attributes, data, messageId);
            }
            if (data.length == 0) throw new DecodeException("message has no data and is not a GCS notification");
            // the body is not classified here: the core reads a JSON object, an array or a CloudEvent (either mode)
            String text = Json.utf8(data, "message data");
            return new BusinessMessage(new InboundMessage(messageId, channel, text, attributes),
                    TraceContext.fromAttributes(attributes).orElse(null));
        } catch (DecodeException e) {
            return new Undecodable("Pub/Sub message " + id + ": " + e.getMessage(),
                    new InboundMessage(id, channel, body, attributes));
        }
    }

    private static String messageId(JsonNode message) {
        // Push deliveries carry both spellings; Eventarc carries messageId.
        String id = ObjectResource.text(message, "messageId");
        if (id == null || id.isBlank()) id = ObjectResource.text(message, "message_id");
        return id == null || id.isBlank() ? null : id;
    }

    private static Map<String, String> attributes(JsonNode message) throws DecodeException {
        Map<String, String> attributes = new LinkedHashMap<>();
        JsonNode node = message.get("attributes");
        if (node == null || node.isNull()) return attributes;
        if (!node.isObject()) throw new DecodeException("message.attributes is not an object");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) throw new DecodeException("attribute '" + e.getKey() + "' is not a string");
            attributes.put(e.getKey(), e.getValue().asText());
        }
        return attributes;
    }

    private static byte[] data(JsonNode message) throws DecodeException {
        JsonNode node = message.get("data");
        if (node == null || node.isNull()) return new byte[0];
        if (!node.isTextual()) throw new DecodeException("message.data is not a base64 string");
        try {
            return Base64.getDecoder().decode(node.asText());
        } catch (IllegalArgumentException e) {
            throw new DecodeException("message.data is not base64: " + e.getMessage());
        }
    }

    private static String textOrBase64(byte[] data) {
        try {
            return Json.utf8(data, "message data");
        } catch (DecodeException e) {
            return Base64.getEncoder().encodeToString(data);
        }
    }

}
