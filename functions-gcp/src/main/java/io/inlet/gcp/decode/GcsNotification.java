package io.inlet.gcp.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.inlet.event.TraceContext;
import io.inlet.trigger.Delivery.ObjectNotice;
import io.inlet.trigger.ObjectChange;
import java.util.Map;

/**
 * A Cloud Storage Pub/Sub notification: the attributes identify the object and the change; with
 * payload format JSON_API_V1 the data is the object resource (size, checksums), with NONE it is empty.
 */
final class GcsNotification {

    private GcsNotification() {
    }

    static boolean matches(Map<String, String> attributes) {
        String type = attributes.get("eventType");
        return type != null && type.startsWith("OBJECT_")
                && attributes.containsKey("bucketId") && attributes.containsKey("objectId");
    }

    static ObjectNotice decode(Map<String, String> attributes, byte[] data, String messageId) throws DecodeException {
        String eventType = attributes.get("eventType");
        String overwrittenBy = attributes.get("overwrittenByGeneration");
        if (overwrittenBy != null) ObjectResource.digits("overwrittenByGeneration", overwrittenBy);
        ObjectChange change = switch (eventType) {
            case "OBJECT_FINALIZE" -> ObjectChange.CREATED;
            case "OBJECT_METADATA_UPDATE" -> ObjectChange.METADATA_UPDATED;
            case "OBJECT_DELETE", "OBJECT_ARCHIVE" -> overwrittenBy != null ? ObjectChange.OVERWRITTEN : ObjectChange.REMOVED;
            default -> throw new DecodeException("unknown GCS notification eventType '" + eventType + "'");
        };
        String generation = attributes.get("objectGeneration");
        if (generation != null) ObjectResource.digits("objectGeneration", generation);
        String payloadFormat = attributes.getOrDefault("payloadFormat", "NONE");
        JsonNode resource = JsonNodeFactory.instance.objectNode();
        if (data.length > 0 && "JSON_API_V1".equals(payloadFormat)) {
            resource = Json.object(Json.utf8(data, "notification data"), "notification data (JSON_API_V1)");
        }
        var ref = ObjectResource.toRef(resource, attributes.get("bucketId"), attributes.get("objectId"), generation);
        if (!ref.bucket().equals(attributes.get("bucketId")) || !ref.key().equals(attributes.get("objectId"))) {
            throw new DecodeException("notification data names " + ref.bucket() + "/" + ref.key()
                    + " but attributes name " + attributes.get("bucketId") + "/" + attributes.get("objectId"));
        }
        // traceparent, or googclient_traceparent when the publisher's client library traces
        return new ObjectNotice(ref, change, ObjectResource.generation(ref), TraceContext.fromAttributes(attributes).orElse(null),
                ObjectResource.original(messageId, ref, change));
    }
}
