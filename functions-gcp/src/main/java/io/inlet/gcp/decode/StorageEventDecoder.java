package io.inlet.gcp.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.inlet.event.TraceContext;
import io.inlet.ingest.InboundMessage;
import io.inlet.source.ObjectRef;
import io.inlet.trigger.Delivery.ObjectNotice;
import io.inlet.trigger.Delivery.Undecodable;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.ObjectChange;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Decodes the Eventarc storage CloudEvents ({@code google.cloud.storage.object.v1.*}) into an
 * {@link ObjectNotice} (finalized -> CREATED; deleted, archived -> REMOVED). The event arrives parsed by the CloudEvents SDK (the Functions Framework does
 * it for binary and structured mode alike); its data is the GCS object resource.
 *
 * <p>Bucket and name come from the data when present (the authoritative, unencoded values); else
 * from the source ({@code //storage.googleapis.com/projects/_/buckets/B}) and the subject
 * ({@code objects/NAME}, percent-decoded exactly once).
 */
public final class StorageEventDecoder {

    public static final String FINALIZED = "google.cloud.storage.object.v1.finalized";
    public static final String DELETED = "google.cloud.storage.object.v1.deleted";
    public static final String ARCHIVED = "google.cloud.storage.object.v1.archived";
    public static final String METADATA_UPDATED = "google.cloud.storage.object.v1.metadataUpdated";

    private static final Map<String, ObjectChange> CHANGES = Map.of(
            FINALIZED, ObjectChange.CREATED,
            DELETED, ObjectChange.REMOVED,
            ARCHIVED, ObjectChange.REMOVED,
            METADATA_UPDATED, ObjectChange.METADATA_UPDATED);

    private static final String SOURCE_PREFIX = "//storage.googleapis.com/projects/_/buckets/";
    private static final String SUBJECT_PREFIX = "objects/";

    /** The channel poison storage events are recorded under. */
    public static final String CHANNEL = "gcs";

    private StorageEventDecoder() {
    }

    public static Delivery decode(CloudEvent event) {
        byte[] data = event.getData() == null ? new byte[0] : event.getData().toBytes();
        try {
            ObjectChange change = CHANGES.get(event.getType());
            if (change == null) throw new DecodeException("unexpected CloudEvent type '" + event.getType() + "' for a storage trigger");
            if (data.length == 0) throw new DecodeException("storage event " + event.getId() + " has no data");
            JsonNode resource = Json.object(Json.utf8(data, "storage event data"), "storage event data");
            String bucket = resource.hasNonNull("bucket") ? null : bucketFromSource(event);
            String key = resource.hasNonNull("name") ? null : keyFromSubject(event.getSubject());
            ObjectRef ref = ObjectResource.toRef(resource, bucket, key, null);
            return new ObjectNotice(ref, change, ObjectResource.generation(ref), trace(event),
                    ObjectResource.original(event.getId(), ref, change));
        } catch (DecodeException e) {
            String body = new String(data, StandardCharsets.UTF_8);
            String reason = "storage event " + event.getId() + " from " + event.getSource() + ": " + e.getMessage();
            return new Undecodable(reason, new InboundMessage(event.getId(), CHANNEL, body, Map.of("ce-type", event.getType())));
        }
    }

    /** The CloudEvents distributed tracing extension ({@code traceparent}), when valid. */
    private static TraceContext trace(CloudEvent event) {
        Object traceparent = event.getExtension(TraceContext.TRACEPARENT);
        return TraceContext.parse(traceparent == null ? null : traceparent.toString()).orElse(null);
    }

    private static String bucketFromSource(CloudEvent event) {
        String source = event.getSource() == null ? "" : event.getSource().toString();
        return source.startsWith(SOURCE_PREFIX) ? source.substring(SOURCE_PREFIX.length()) : null;
    }

    private static String keyFromSubject(String subject) throws DecodeException {
        if (subject == null || !subject.startsWith(SUBJECT_PREFIX)) return null;
        return PercentEncoding.decode(subject.substring(SUBJECT_PREFIX.length()));
    }
}
