package io.inlet.gcp.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Inlet's large-message pointer for Pub/Sub, shaped after the SQS Extended Client's: the message data is
 * <pre>["io.inlet.GcsPointer",{"bucket":"bucket","name":"object"}]</pre>
 * and the message carries the attribute {@link #SIZE_ATTRIBUTE} with the payload's size in bytes (the
 * other attributes are the event's own). The GCS object holds the payload as it would have been sent.
 */
public record GcsPointer(String bucket, String name) {

    public static final String CLASS_NAME = "io.inlet.GcsPointer";
    /** The attribute that marks a message as a pointer; its value is the payload's size in bytes. */
    public static final String SIZE_ATTRIBUTE = "inletPayloadSize";

    private static final ObjectMapper JSON = new ObjectMapper();

    public GcsPointer {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(name, "name");
        if (bucket.isBlank()) throw new IllegalArgumentException("bucket is blank");
        if (name.isEmpty()) throw new IllegalArgumentException("name is empty");
    }

    public String toJson() {
        ArrayNode data = JSON.createArrayNode();
        data.add(CLASS_NAME);
        data.addObject().put("bucket", bucket).put("name", name);
        return data.toString();
    }

    public static boolean flagged(Map<String, String> attributes) {
        return attributes != null && attributes.containsKey(SIZE_ATTRIBUTE);
    }

    /**
     * @return empty when the data is not shaped as a pointer (a two-element JSON array starting with {@link #CLASS_NAME})
     * @throws IllegalArgumentException when it starts as one but its object is wrong, naming the field
     */
    public static Optional<GcsPointer> parse(String data) {
        if (data == null || !data.stripLeading().startsWith("[")) return Optional.empty();
        JsonNode root;
        try {
            root = JSON.readTree(data);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (root == null || !root.isArray() || root.size() != 2 || !root.get(0).isTextual()
                || !CLASS_NAME.equals(root.get(0).asText())) {
            return Optional.empty();
        }
        JsonNode pointer = root.get(1);
        if (!pointer.isObject()) throw new IllegalArgumentException("pointer's second element is not a JSON object");
        JsonNode bucket = pointer.get("bucket");
        JsonNode name = pointer.get("name");
        if (bucket == null || !bucket.isTextual()) throw new IllegalArgumentException("pointer's bucket is not a string");
        if (name == null || !name.isTextual()) throw new IllegalArgumentException("pointer's name is not a string");
        return Optional.of(new GcsPointer(bucket.asText(), name.asText()));
    }

    @Override
    public String toString() {
        return "gs://" + bucket + "/" + name;
    }
}
