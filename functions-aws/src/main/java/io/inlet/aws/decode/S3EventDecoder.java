package io.inlet.aws.decode;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3ObjectEntity;
import io.inlet.aws.decode.DecodedPayload.ObjectNotices;
import io.inlet.aws.decode.DecodedPayload.Undecodable;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import java.util.ArrayList;
import java.util.List;

/**
 * S3 event notification (as S3 delivers it to Lambda, SQS or SNS) -> object notices.
 *
 * <p>Rules: {@code ObjectCreated:*} is a creation; {@code ObjectRemoved:*} and
 * {@code LifecycleExpiration:*} are removals; any other event name (restore, replication,
 * tagging...) is not something Inlet was configured for and makes the payload undecodable. Keys are
 * form-URL-decoded exactly once; {@code versionId} and {@code sequencer} are kept.
 */
public final class S3EventDecoder {

    private S3EventDecoder() {
    }

    public static DecodedPayload decode(S3Event event) {
        if (event == null || event.getRecords() == null || event.getRecords().isEmpty()) {
            return new Undecodable("S3 event has no Records");
        }
        List<ObjectNotice> notices = new ArrayList<>();
        int index = 0;
        for (S3EventNotificationRecord record : event.getRecords()) {
            String where = "Records[" + index++ + "]";
            String name = record.getEventName();
            ObjectNotice.Kind kind = kindOf(name);
            if (kind == null) {
                return new Undecodable(where + ": unsupported S3 eventName '" + name + "'");
            }
            if (record.getS3() == null || record.getS3().getBucket() == null || record.getS3().getObject() == null
                    || blank(record.getS3().getBucket().getName()) || blank(record.getS3().getObject().getKey())) {
                return new Undecodable(where + ": s3.bucket.name or s3.object.key missing");
            }
            S3ObjectEntity object = record.getS3().getObject();
            String key;
            try {
                key = NotificationKey.decode(object.getKey());
            } catch (IllegalArgumentException e) {
                return new Undecodable(where + ": s3.object.key '" + object.getKey() + "' is not form-URL-encoded: "
                        + e.getMessage());
            }
            ObjectRef ref = new ObjectRef(record.getS3().getBucket().getName(), key, emptyToNull(object.getVersionId()),
                    emptyToNull(object.geteTag()), kind == ObjectNotice.Kind.CREATED ? object.getSizeAsLong() : null);
            ObjectSequencer sequencer;
            try {
                sequencer = ObjectSequencer.s3(object.getSequencer());
            } catch (IllegalArgumentException e) {
                return new Undecodable(where + ": s3.object.sequencer: " + e.getMessage());
            }
            notices.add(new ObjectNotice(ref, kind, sequencer));
        }
        return new ObjectNotices(notices);
    }

    static ObjectNotice.Kind kindOf(String eventName) {
        if (eventName == null) return null;
        if (eventName.startsWith("ObjectCreated:")) return ObjectNotice.Kind.CREATED;
        if (eventName.startsWith("ObjectRemoved:") || eventName.startsWith("LifecycleExpiration:")) {
            return ObjectNotice.Kind.REMOVED;
        }
        return null;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
