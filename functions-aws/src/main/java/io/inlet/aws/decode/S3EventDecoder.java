package io.inlet.aws.decode;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3ObjectEntity;
import io.inlet.event.TraceContext;
import io.inlet.ingest.InboundMessage;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import io.inlet.trigger.Delivery.ObjectNotice;
import io.inlet.trigger.Delivery.Undecodable;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.ObjectChange;
import io.inlet.trigger.PayloadDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * S3 event notification (as S3 delivers it to Lambda, SQS or SNS) -> object notices, one per record.
 *
 * <p>Rules: {@code ObjectCreated:*} is CREATED; {@code ObjectRemoved:*} and
 * {@code LifecycleExpiration:*} are REMOVED; any other event name (restore, replication,
 * tagging...) is not something Inlet was configured for and makes the payload undecodable. Keys are
 * form-URL-decoded exactly once; {@code versionId} and {@code sequencer} are kept.
 */
public final class S3EventDecoder {

    /** The channel direct S3 notifications are recorded under when they fail permanently. */
    public static final String CHANNEL = "s3";

    private S3EventDecoder() {
    }

    /** An S3 event invoking the function directly: each notice is its own original, named by the object and sequencer. */
    public static List<Delivery> decode(S3Event event, TraceContext trace) {
        return decode(event, null, trace);
    }

    /**
     * @param original the message that carried the event (an SQS record), recorded if a notice fails
     *                 permanently; null for a direct invocation
     */
    public static List<Delivery> decode(S3Event event, InboundMessage original, TraceContext trace) {
        if (event == null || event.getRecords() == null || event.getRecords().isEmpty()) {
            return List.of(undecodable("S3 event has no Records", original, "{}"));
        }
        List<Delivery> notices = new ArrayList<>();
        int index = 0;
        for (S3EventNotificationRecord record : event.getRecords()) {
            String where = "Records[" + index++ + "]";
            String name = record.getEventName();
            ObjectChange change = changeOf(name);
            if (change == null) {
                return List.of(undecodable(where + ": unsupported S3 eventName '" + name + "'", original, summary(event)));
            }
            if (record.getS3() == null || record.getS3().getBucket() == null || record.getS3().getObject() == null
                    || blank(record.getS3().getBucket().getName()) || blank(record.getS3().getObject().getKey())) {
                return List.of(undecodable(where + ": s3.bucket.name or s3.object.key missing", original, summary(event)));
            }
            S3ObjectEntity object = record.getS3().getObject();
            String key;
            try {
                key = NotificationKey.decode(object.getKey());
            } catch (IllegalArgumentException e) {
                return List.of(undecodable(where + ": s3.object.key '" + object.getKey() + "' is not form-URL-encoded: "
                        + e.getMessage(), original, summary(event)));
            }
            ObjectRef ref = new ObjectRef(record.getS3().getBucket().getName(), key, emptyToNull(object.getVersionId()),
                    emptyToNull(object.geteTag()), change == ObjectChange.CREATED ? object.getSizeAsLong() : null);
            ObjectSequencer sequencer;
            try {
                sequencer = ObjectSequencer.s3(object.getSequencer());
            } catch (IllegalArgumentException e) {
                return List.of(undecodable(where + ": s3.object.sequencer: " + e.getMessage(), original, summary(event)));
            }
            notices.add(new ObjectNotice(ref, change, sequencer, trace,
                    original != null ? original : direct(ref, name, object.getSequencer())));
        }
        return notices;
    }

    static ObjectChange changeOf(String eventName) {
        if (eventName == null) return null;
        if (eventName.startsWith("ObjectCreated:")) return ObjectChange.CREATED;
        if (eventName.startsWith("ObjectRemoved:") || eventName.startsWith("LifecycleExpiration:")) {
            return ObjectChange.REMOVED;
        }
        return null;
    }

    /** A direct notice's own id: the object version and S3's sequencer, the same on every redelivery. */
    private static InboundMessage direct(ObjectRef ref, String eventName, String sequencer) {
        String text = "s3://" + ref.displayName();
        return new InboundMessage(sequencer == null || sequencer.isEmpty() ? text : text + "@" + sequencer, CHANNEL, text,
                Map.of("eventName", eventName));
    }

    private static Undecodable undecodable(String reason, InboundMessage original, String summary) {
        return new Undecodable(reason, original != null ? original
                : new InboundMessage(PayloadDigest.id(summary), CHANNEL, summary, Map.of()));
    }

    /** What a direct event said, for the record of a poison one (the runtime has parsed away the raw text). */
    private static String summary(S3Event event) {
        StringBuilder out = new StringBuilder();
        for (S3EventNotificationRecord r : event.getRecords()) {
            var s3 = r.getS3();
            out.append(r.getEventName()).append(' ')
                    .append(s3 == null || s3.getBucket() == null ? null : s3.getBucket().getName()).append('/')
                    .append(s3 == null || s3.getObject() == null ? null : s3.getObject().getKey()).append('\n');
        }
        return out.toString();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
