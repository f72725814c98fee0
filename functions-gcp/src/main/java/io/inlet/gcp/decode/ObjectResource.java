package io.inlet.gcp.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.inlet.ingest.InboundMessage;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import io.inlet.trigger.ObjectChange;
import java.math.BigInteger;
import java.util.Map;

/**
 * Reads the GCS object resource ({@code storage#object} JSON, the data of storage CloudEvents and
 * of JSON_API_V1 notifications). The JSON API writes int64 fields such as {@code generation} and
 * {@code size} as strings, Eventarc sometimes as numbers: both are accepted, anything else is named.
 */
final class ObjectResource {

    private ObjectResource() {
    }

    /**
     * The object the resource describes; {@code bucket} and {@code key} fill in when the resource
     * lacks them (a subject or notification attributes).
     */
    static ObjectRef toRef(JsonNode resource, String bucket, String key, String generation) throws DecodeException {
        String b = text(resource, "bucket");
        String k = text(resource, "name");
        String g = generation != null ? generation : int64(resource, "generation");
        String s = int64(resource, "size"); // JSON null reads as absent, like every other field
        Long size = s == null ? null : Long.valueOf(s);
        String resolvedBucket = b != null ? b : bucket;
        String resolvedKey = k != null ? k : key;
        if (resolvedBucket == null || resolvedBucket.isBlank()) throw new DecodeException("object has no bucket");
        if (resolvedKey == null || resolvedKey.isEmpty()) throw new DecodeException("object has no name");
        return new ObjectRef(resolvedBucket, resolvedKey, g, contentHash(resource), size);
    }

    /**
     * The content checksum: md5Hash, else crc32c (composite objects have no MD5). Not the GCS etag,
     * which changes on every metadata update while the bytes stay the same.
     */
    private static String contentHash(JsonNode resource) {
        String md5 = text(resource, "md5Hash");
        if (md5 != null && !md5.isBlank()) return md5;
        String crc = text(resource, "crc32c");
        return crc == null || crc.isBlank() ? null : crc;
    }

    /** The generation as the per-key ordering token (GCS generations only grow), or null when absent. */
    static ObjectSequencer generation(ObjectRef ref) {
        return ObjectSequencer.gcsGeneration(ref.version());
    }

    /** What a notice is recorded as if it fails permanently: its id, channel {@code gcs}, and the object. */
    static InboundMessage original(String noticeId, ObjectRef ref, ObjectChange change) {
        return new InboundMessage(noticeId, StorageEventDecoder.CHANNEL, "gs://" + ref.displayName(),
                Map.of("change", change.name()));
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** An int64 field written as a JSON string or number; null when absent. */
    static String int64(JsonNode node, String field) throws DecodeException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (v.isIntegralNumber()) {
            return digits(field, v.bigIntegerValue().toString());
        }
        if (v.isTextual()) return digits(field, v.asText());
        throw new DecodeException("field '" + field + "' is not an integer: " + v);
    }

    static String digits(String field, String value) throws DecodeException {
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new DecodeException("field '" + field + "' is not a non-negative integer: '" + value + "'");
        }
        if (new BigInteger(value).bitLength() > 63) {
            throw new DecodeException("field '" + field + "' is out of range: '" + value + "'");
        }
        return value;
    }
}
