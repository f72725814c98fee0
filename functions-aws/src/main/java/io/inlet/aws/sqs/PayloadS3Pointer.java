package io.inlet.aws.sqs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The large-message pointer of the Amazon SQS Extended Client Library (payload-offloading-common's
 * {@code PayloadS3Pointer}) and of Powertools for AWS Lambda's large-message utility: the message body is
 * <pre>["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"bucket","s3Key":"key"}]</pre>
 * and the message carries the Number attribute {@link #SIZE_ATTRIBUTE} ({@link #LEGACY_SIZE_ATTRIBUTE} from
 * the library's 1.x) with the payload's size in bytes. The object holds the body as sent.
 */
public record PayloadS3Pointer(String bucket, String key) {

    public static final String CLASS_NAME = "software.amazon.payloadoffloading.PayloadS3Pointer";
    /** The reserved attribute the Extended Client 2.x (and Powertools) sets and looks for. */
    public static final String SIZE_ATTRIBUTE = "ExtendedPayloadSize";
    /** The reserved attribute of the Extended Client 1.x, still recognised by the 2.x client and Powertools. */
    public static final String LEGACY_SIZE_ATTRIBUTE = "SQSLargePayloadSize";

    private static final ObjectMapper JSON = new ObjectMapper();

    public PayloadS3Pointer {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (bucket.isBlank()) throw new IllegalArgumentException("s3BucketName is blank");
        if (key.isEmpty()) throw new IllegalArgumentException("s3Key is empty");
    }

    /** The message body that points at the object. */
    public String toJson() {
        ArrayNode body = JSON.createArrayNode();
        body.add(CLASS_NAME);
        body.addObject().put("s3BucketName", bucket).put("s3Key", key);
        return body.toString();
    }

    /** Whether the attributes name the message as a pointer (either reserved attribute present). */
    public static boolean flagged(java.util.Collection<String> attributeNames) {
        return attributeNames.contains(SIZE_ATTRIBUTE) || attributeNames.contains(LEGACY_SIZE_ATTRIBUTE);
    }

    /**
     * Reads a body as a pointer.
     *
     * @return empty when the body is not shaped as a pointer at all (not a two-element JSON array whose
     *         first element is {@link #CLASS_NAME})
     * @throws IllegalArgumentException when it starts as a pointer but its object is wrong, naming the field
     */
    public static Optional<PayloadS3Pointer> parse(String body) {
        if (body == null || !body.stripLeading().startsWith("[")) return Optional.empty();
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (root == null || !root.isArray() || root.size() != 2 || !CLASS_NAME.equals(root.get(0).asText(null))
                || !root.get(0).isTextual()) {
            return Optional.empty();
        }
        JsonNode pointer = root.get(1);
        if (!pointer.isObject()) throw new IllegalArgumentException("pointer's second element is not a JSON object");
        JsonNode bucket = pointer.get("s3BucketName");
        JsonNode key = pointer.get("s3Key");
        if (bucket == null || !bucket.isTextual()) throw new IllegalArgumentException("pointer's s3BucketName is not a string");
        if (key == null || !key.isTextual()) throw new IllegalArgumentException("pointer's s3Key is not a string");
        return Optional.of(new PayloadS3Pointer(bucket.asText(), key.asText()));
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
