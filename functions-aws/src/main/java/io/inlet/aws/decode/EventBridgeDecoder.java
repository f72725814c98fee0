package io.inlet.aws.decode;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.inlet.aws.decode.DecodedPayload.ObjectNotices;
import io.inlet.aws.decode.DecodedPayload.Undecodable;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import java.util.List;
import java.util.Map;

/**
 * An S3 event routed through EventBridge ({@code source = aws.s3}, detail-type {@code Object Created}
 * or {@code Object Deleted}) -> one object notice. Keys here are NOT URL-encoded and are taken as
 * they are; the version is {@code detail.object.version-id}.
 */
public final class EventBridgeDecoder {

    private EventBridgeDecoder() {
    }

    /** As the runtime hands it to a {@code RequestHandler<ScheduledEvent, ?>}. */
    public static DecodedPayload decode(ScheduledEvent event) {
        if (event == null) return new Undecodable("EventBridge event is empty");
        return decode(event.getSource(), event.getDetailType(), event.getDetail());
    }

    /** As a {@code RequestHandler<Map<String, Object>, ?>} receives it. */
    public static DecodedPayload decode(Map<String, ?> event) {
        if (event == null) return new Undecodable("EventBridge event is empty");
        Object detail = event.get("detail");
        return decode(string(event.get("source")), string(event.get("detail-type")),
                detail instanceof Map<?, ?> m ? m : null);
    }

    static DecodedPayload decode(String source, String detailType, Map<?, ?> detail) {
        if (!"aws.s3".equals(source)) {
            return new Undecodable("EventBridge source '" + source + "' is not aws.s3");
        }
        ObjectNotice.Kind kind;
        if ("Object Created".equals(detailType)) {
            kind = ObjectNotice.Kind.CREATED;
        } else if ("Object Deleted".equals(detailType)) {
            kind = ObjectNotice.Kind.REMOVED;
        } else {
            return new Undecodable("unsupported EventBridge detail-type '" + detailType + "'");
        }
        if (detail == null) return new Undecodable("EventBridge event has no detail");
        String bucket = string(map(detail.get("bucket")).get("name"));
        Map<?, ?> object = map(detail.get("object"));
        String key = string(object.get("key"));
        if (bucket == null || bucket.isBlank() || key == null || key.isEmpty()) {
            return new Undecodable("EventBridge detail.bucket.name or detail.object.key missing");
        }
        Long size = null;
        Object rawSize = object.get("size");
        if (kind == ObjectNotice.Kind.CREATED && rawSize != null) {
            try {
                size = rawSize instanceof Number n ? n.longValue() : Long.parseLong(rawSize.toString());
            } catch (NumberFormatException e) {
                return new Undecodable("EventBridge detail.object.size '" + rawSize + "' is not a number");
            }
        }
        ObjectRef ref = new ObjectRef(bucket, key, S3EventDecoder.emptyToNull(string(object.get("version-id"))),
                S3EventDecoder.emptyToNull(string(object.get("etag"))), size);
        ObjectSequencer sequencer;
        try {
            sequencer = ObjectSequencer.s3(string(object.get("sequencer")));
        } catch (IllegalArgumentException e) {
            return new Undecodable("EventBridge detail.object.sequencer: " + e.getMessage());
        }
        return new ObjectNotices(List.of(new ObjectNotice(ref, kind, sequencer)));
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }

    private static String string(Object o) {
        return o == null ? null : o.toString();
    }
}
