package io.inlet.gcp.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.jackson.JsonFormat;
import io.inlet.ingest.InboundMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
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
 *       becomes an {@link ObjectNotice}: the generation from {@code objectGeneration}; OBJECT_DELETE or
 *       OBJECT_ARCHIVE with {@code overwrittenByGeneration} is {@link ObjectChange#OVERWRITTEN}, not a delete.</li>
 *   <li>Otherwise the data must be business events: a JSON object or array (plain JSON, one event per
 *       element), a structured CloudEvent (validated with the CloudEvents SDK), or binary-mode
 *       CloudEvent data with {@code ce-*} attributes. Attributes go with the message as they are (Pub/Sub
 *       attributes are strings; a feed's schema-version attribute is read by the core).</li>
 *   <li>Anything else is {@link Undecodable}, naming the field.</li>
 * </ul>
 */
public final class PubSubMessageDecoder {

    private static final String CE_PREFIX = "ce-";

    private PubSubMessageDecoder() {
    }

    /**
     * @param message the PubsubMessage JSON object
     * @param channel the logical channel the message arrived on (see {@link ChannelName})
     */
    public static Decoded decode(JsonNode message, String channel) {
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
            String text = Json.utf8(data, "message data");
            return new BusinessMessage(new InboundMessage(messageId, channel, text, attributes), form(text, attributes));
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

    private static BusinessMessage.BodyForm form(String text, Map<String, String> attributes) throws DecodeException {
        if (attributes.containsKey(CE_PREFIX + "specversion")) {
            validateBinaryCloudEvent(attributes);
            return BusinessMessage.BodyForm.BINARY_CLOUDEVENT;
        }
        JsonNode json = Json.objectOrArray(text, "message data");
        // an array is plain JSON events, one per element: the core maps (or refuses) each
        if (json.isArray() || !json.has("specversion")) return BusinessMessage.BodyForm.PLAIN_JSON;
        try {
            new JsonFormat().deserialize(text.getBytes(StandardCharsets.UTF_8));
        } catch (EventDeserializationException | IllegalArgumentException | IllegalStateException e) {
            throw new DecodeException("message data is a malformed CloudEvent: " + rootMessage(e));
        }
        return BusinessMessage.BodyForm.STRUCTURED_CLOUDEVENT;
    }

    /** Builds the event with the SDK, which refuses a missing id, source, type or an unknown spec version. */
    private static CloudEvent validateBinaryCloudEvent(Map<String, String> attributes) throws DecodeException {
        try {
            CloudEventBuilder builder = CloudEventBuilder.fromSpecVersion(
                    io.cloudevents.SpecVersion.parse(attributes.get(CE_PREFIX + "specversion")));
            String id = attributes.get(CE_PREFIX + "id");
            String source = attributes.get(CE_PREFIX + "source");
            String type = attributes.get(CE_PREFIX + "type");
            if (id != null) builder.withId(id);
            if (source != null) builder.withSource(URI.create(source));
            if (type != null) builder.withType(type);
            String time = attributes.get(CE_PREFIX + "time");
            if (time != null) builder.withTime(OffsetDateTime.parse(time));
            return builder.build();
        } catch (RuntimeException e) {
            throw new DecodeException("ce-* attributes are not a valid binary-mode CloudEvent: " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
