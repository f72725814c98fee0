package io.inlet.aws.decode;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.inlet.event.TraceContext;
import io.inlet.ingest.InboundMessage;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import io.inlet.trigger.Delivery.ObjectNotice;
import io.inlet.trigger.Delivery.Undecodable;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.ObjectChange;
import io.inlet.trigger.PayloadDigest;
import java.util.Map;

/**
 * An S3 event routed through EventBridge ({@code source = aws.s3}, detail-type {@code Object Created}
 * or {@code Object Deleted}) -> one object notice. Keys here are NOT URL-encoded and are taken as
 * they are; the version is {@code detail.object.version-id}.
 */
public final class EventBridgeDecoder {

    /** The channel direct EventBridge events are recorded under when they fail permanently. */
    public static final String CHANNEL = "eventbridge";

    private EventBridgeDecoder() {
    }

    /** As the runtime hands it to a {@code RequestHandler<ScheduledEvent, ?>}: the event id names it. */
    public static Delivery decode(ScheduledEvent event, TraceContext trace) {
        return decode(event, null, trace);
    }

    /** As a {@code RequestHandler<Map<String, Object>, ?>} receives it. */
    public static Delivery decode(Map<String, ?> event, TraceContext trace) {
        if (event == null) return poison("EventBridge event is empty", null, null, "");
        Object detail = event.get("detail");
        return decode(string(event.get("id")), string(event.get("source")), string(event.get("detail-type")),
                detail instanceof Map<?, ?> m ? m : null, null, trace);
    }

    /** @param original the message that carried the event (an SQS record), or null for a direct invocation */
    public static Delivery decode(ScheduledEvent event, InboundMessage original, TraceContext trace) {
        if (event == null) return poison("EventBridge event is empty", original, null, "");
        return decode(event.getId(), event.getSource(), event.getDetailType(), event.getDetail(), original, trace);
    }

    static Delivery decode(String id, String source, String detailType, Map<?, ?> detail, InboundMessage original,
                           TraceContext trace) {
        String text = source + " " + detailType + " " + detail;
        if (!"aws.s3".equals(source)) {
            return poison("EventBridge source '" + source + "' is not aws.s3", original, id, text);
        }
        ObjectChange change;
        if ("Object Created".equals(detailType)) {
            change = ObjectChange.CREATED;
        } else if ("Object Deleted".equals(detailType)) {
            change = ObjectChange.REMOVED;
        } else {
            return poison("unsupported EventBridge detail-type '" + detailType + "'", original, id, text);
        }
        if (detail == null) return poison("EventBridge event has no detail", original, id, text);
        String bucket = string(map(detail.get("bucket")).get("name"));
        Map<?, ?> object = map(detail.get("object"));
        String key = string(object.get("key"));
        if (bucket == null || bucket.isBlank() || key == null || key.isEmpty()) {
            return poison("EventBridge detail.bucket.name or detail.object.key missing", original, id, text);
        }
        Long size = null;
        Object rawSize = object.get("size");
        if (change == ObjectChange.CREATED && rawSize != null) {
            try {
                size = rawSize instanceof Number n ? n.longValue() : Long.parseLong(rawSize.toString());
            } catch (NumberFormatException e) {
                return poison("EventBridge detail.object.size '" + rawSize + "' is not a number", original, id, text);
            }
        }
        ObjectRef ref = new ObjectRef(bucket, key, S3EventDecoder.emptyToNull(string(object.get("version-id"))),
                S3EventDecoder.emptyToNull(string(object.get("etag"))), size);
        ObjectSequencer sequencer;
        try {
            sequencer = ObjectSequencer.s3(string(object.get("sequencer")));
        } catch (IllegalArgumentException e) {
            return poison("EventBridge detail.object.sequencer: " + e.getMessage(), original, id, text);
        }
        return new ObjectNotice(ref, change, sequencer, trace, original != null ? original
                : new InboundMessage(id != null ? id : PayloadDigest.id(text), CHANNEL, "s3://" + ref.displayName(),
                        Map.of("detailType", detailType)));
    }

    private static Undecodable poison(String reason, InboundMessage original, String id, String text) {
        return new Undecodable(reason, original != null ? original
                : new InboundMessage(id != null ? id : PayloadDigest.id(text), CHANNEL, text, Map.of()));
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }

    private static String string(Object o) {
        return o == null ? null : o.toString();
    }
}
