package io.inlet.aws.decode;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.MessageAttribute;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.event.TraceContext;
import io.inlet.ingest.InboundMessage;
import io.inlet.trigger.Delivery.BusinessMessage;
import io.inlet.trigger.Delivery.NothingToDo;
import io.inlet.trigger.Delivery.Undecodable;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.PayloadDigest;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One SQS record's body -> what it carries. Recognised, in this order:
 * <ol>
 *   <li>an SNS envelope ({@code Type: Notification} with a {@code Message} string; raw delivery
 *       off): the {@code Message} is decoded by the rules below;</li>
 *   <li>{@code s3:TestEvent};</li>
 *   <li>an S3 event notification ({@code Records[].eventSource = aws:s3}; S3 -> SQS, or
 *       S3 -> SNS -> SQS with raw delivery on);</li>
 *   <li>an EventBridge S3 event ({@code source = aws.s3} with a {@code detail-type});</li>
 *   <li>any other JSON object, or a JSON array: business events (plain JSON, one per array element,
 *       or a structured CloudEvent), left to the message feeds.</li>
 * </ol>
 * Anything else (not JSON, a JSON scalar, a broken notification) is {@link Undecodable}: the SQS record
 * itself (id, channel, body, receive count) is what is recorded when a delivery fails permanently.
 *
 * <p>Every message attribute goes with the message: String and Number ones (and custom types such as
 * {@code String.x}, {@code Number.y}) as their text, Binary ones as base64 (padded, RFC 4648).
 */
public final class SqsBodyDecoder {

    private final ObjectMapper json = new ObjectMapper();
    private final LambdaEventJson lambdaJson;

    public SqsBodyDecoder(LambdaEventJson lambdaJson) {
        this.lambdaJson = lambdaJson;
    }

    /**
     * @param channel the logical channel business events on this queue belong to
     * @return one delivery, or one per record when the body is an S3 event with several records
     */
    public List<Delivery> decode(SQSMessage message, String channel) {
        String body = message.getBody() == null ? "" : message.getBody();
        InboundMessage original = original(message, channel);
        if (body.isBlank()) return List.of(new Undecodable("message body is empty", original));
        TraceContext trace = SqsDelivery.traceContext(message).orElse(null);
        return decode(original, body, attributes(message), trace, false);
    }

    /** A record given up before it is decoded (e.g. a refused large-message pointer), recorded as it came. */
    public static Undecodable undecodable(SQSMessage message, String channel, String reason) {
        return new Undecodable(reason, original(message, channel));
    }

    // what is recorded if the message fails permanently: the body as it came, with its receive count
    /**
     * What is recorded if the message fails permanently: the body as it came, with its receive count.
     * A record without a message id (only ever forged) is named by its body, as every id-less payload is.
     */
    private static InboundMessage original(SQSMessage message, String channel) {
        String body = message.getBody() == null ? "" : message.getBody();
        String id = message.getMessageId() == null || message.getMessageId().isBlank() ? PayloadDigest.id(body)
                : message.getMessageId();
        return new InboundMessage(id, channel, body,
                Map.of("receiveCount", Integer.toString(SqsDelivery.of(message).receiveCount())));
    }

    private List<Delivery> decode(InboundMessage original, String body, Map<String, String> attributes,
                                  TraceContext trace, boolean insideSns) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            return List.of(new Undecodable((insideSns ? "SNS Message" : "message body") + " is not JSON: "
                    + e.getOriginalMessage(), original));
        }
        if (root != null && root.isArray()) {
            return List.of(business(original, body, attributes, trace));
        }
        if (root == null || !root.isObject()) {
            return List.of(new Undecodable((insideSns ? "SNS Message" : "message body") + " is not a JSON object or array",
                    original));
        }
        if (!insideSns && "Notification".equals(root.path("Type").asText(null)) && root.path("Message").isTextual()
                && root.has("TopicArn")) {
            Map<String, String> withSns = new LinkedHashMap<>(attributes);
            withSns.put("snsMessageId", root.path("MessageId").asText(""));
            withSns.put("snsTopicArn", root.path("TopicArn").asText(""));
            return decode(original, root.path("Message").asText(), withSns, trace, true);
        }
        if ("s3:TestEvent".equals(root.path("Event").asText(null))) {
            return List.of(new NothingToDo("s3:TestEvent for bucket " + root.path("Bucket").asText(null)));
        }
        JsonNode records = root.get("Records");
        if (records != null && records.isArray() && records.size() > 0
                && "aws:s3".equals(records.get(0).path("eventSource").asText(null))) {
            try {
                return S3EventDecoder.decode(lambdaJson.s3Event(body), original, trace);
            } catch (RuntimeException e) {
                return List.of(new Undecodable("S3 notification could not be read: " + e.getMessage(), original));
            }
        }
        if ("aws.s3".equals(root.path("source").asText(null)) && root.has("detail-type")) {
            try {
                return List.of(EventBridgeDecoder.decode(lambdaJson.scheduledEvent(body), original, trace));
            } catch (RuntimeException e) {
                return List.of(new Undecodable("EventBridge event could not be read: " + e.getMessage(), original));
            }
        }
        return List.of(business(original, body, attributes, trace));
    }

    /** Plain JSON (one object, or an array of them) or a CloudEvent: the core tells which. */
    private static BusinessMessage business(InboundMessage original, String body, Map<String, String> attributes,
                                            TraceContext trace) {
        return new BusinessMessage(new InboundMessage(original.messageId(), original.channel(), body, attributes), trace);
    }

    /**
     * Every message attribute as text (CloudEvents binary mode puts {@code ce-*} there; a feed's
     * schema-version attribute is one), with the record's trace context as {@code traceparent} when
     * only the X-Ray {@code AWSTraceHeader} has it.
     */
    static Map<String, String> attributes(SQSMessage message) {
        Map<String, String> out = new LinkedHashMap<>();
        if (message.getMessageAttributes() != null) {
            for (Map.Entry<String, MessageAttribute> e : message.getMessageAttributes().entrySet()) {
                String value = text(e.getValue());
                if (value != null) out.put(e.getKey(), value);
            }
        }
        if (TraceContext.fromAttributes(out).isEmpty()) {
            SqsDelivery.traceContext(message).ifPresent(t -> out.put(TraceContext.TRACEPARENT, t.toTraceparent()));
        }
        return out;
    }

    /** An attribute's value: its string value (String, Number), else its binary value in base64; null if it has neither. */
    private static String text(MessageAttribute attribute) {
        if (attribute == null) return null;
        if (attribute.getStringValue() != null) return attribute.getStringValue();
        ByteBuffer binary = attribute.getBinaryValue();
        if (binary == null) return null;
        ByteBuffer bytes = binary.asReadOnlyBuffer();
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        return Base64.getEncoder().encodeToString(copy);
    }
}
