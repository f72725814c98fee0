package io.inlet.aws.sqs;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.aws.decode.LambdaEventJson;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Turns messages received from a queue into the {@link SQSEvent} an event source mapping would
 * invoke the function with: the runtime's JSON, read back with the runtime's serialisation. For
 * local runs on an SQS emulator (tests, {@code inlet demo aws}), where no event source mapping polls.
 */
public final class ReceivedMessages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReceivedMessages() {
    }

    /** The event for {@code messages} received (with all system and message attributes) from the queue {@code queueArn}. */
    public static SQSEvent asSqsEvent(List<Message> messages, String queueArn, LambdaEventJson lambdaJson) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode records = root.putArray("Records");
        for (Message m : messages) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            for (Map.Entry<MessageSystemAttributeName, String> a : m.attributes().entrySet()) {
                attributes.put(a.getKey().toString(), a.getValue());
            }
            ObjectNode messageAttributes = r.putObject("messageAttributes");
            for (Map.Entry<String, MessageAttributeValue> a : m.messageAttributes().entrySet()) {
                ObjectNode v = messageAttributes.putObject(a.getKey());
                if (a.getValue().stringValue() != null) v.put("stringValue", a.getValue().stringValue());
                // the runtime's JSON carries a Binary attribute's bytes as base64
                if (a.getValue().binaryValue() != null) {
                    v.put("binaryValue", Base64.getEncoder().encodeToString(a.getValue().binaryValue().asByteArray()));
                }
                v.putArray("stringListValues");
                v.putArray("binaryListValues");
                v.put("dataType", a.getValue().dataType());
            }
            r.put("md5OfBody", m.md5OfBody());
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", queueArn);
            r.put("awsRegion", "us-east-1");
        }
        return lambdaJson.sqsEvent(root.toString());
    }
}
