package io.inlet.aws.decode;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.MessageAttribute;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.inlet.event.TraceContext;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/**
 * The delivery facts of one SQS record that decide how the batch handler treats it.
 *
 * @param messageId      SQS message id: what a partial batch response names
 * @param messageGroupId FIFO message group, null on a standard queue
 * @param sequenceNumber FIFO sequence number; larger than a Java long, hence a BigInteger; null when absent or unreadable
 * @param receiveCount   ApproximateReceiveCount (1 on first delivery; 0 when the attribute is not a number)
 */
public record SqsDelivery(String messageId, String messageGroupId, BigInteger sequenceNumber, int receiveCount) {

    public static SqsDelivery of(SQSMessage message) {
        Map<String, String> attributes = message.getAttributes() == null ? Map.of() : message.getAttributes();
        String sequence = attributes.get("SequenceNumber");
        String count = attributes.get("ApproximateReceiveCount");
        return new SqsDelivery(message.getMessageId(), attributes.get("MessageGroupId"), sequenceNumber(sequence),
                receiveCount(count));
    }

    /** Null when absent or not a number: SQS always sends one on FIFO queues, so a broken one is only ever forged. */
    private static BigInteger sequenceNumber(String text) {
        if (text == null) return null;
        try {
            return new BigInteger(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** 1 when absent; 0 (unknown) when not a positive whole number, so a forged count cannot crash the batch. */
    private static int receiveCount(String text) {
        if (text == null) return 1;
        try {
            int n = Integer.parseInt(text.trim());
            return n > 0 ? n : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The trace context the record carries: a {@code traceparent} message attribute (the sender's
     * OpenTelemetry propagation), else the {@code AWSTraceHeader} system attribute (X-Ray), converted.
     */
    public static Optional<TraceContext> traceContext(SQSMessage message) {
        Map<String, MessageAttribute> attributes = message.getMessageAttributes();
        MessageAttribute traceparent = attributes == null ? null : attributes.get(TraceContext.TRACEPARENT);
        Optional<TraceContext> own = TraceContext.parse(traceparent == null ? null : traceparent.getStringValue());
        if (own.isPresent()) return own;
        return TraceContext.fromXRay(message.getAttributes() == null ? null : message.getAttributes().get("AWSTraceHeader"));
    }

    public boolean fifo() {
        return messageGroupId != null;
    }

    /** The queue name at the end of an SQS ARN ({@code arn:aws:sqs:region:account:name}). */
    public static String queueName(String eventSourceArn) {
        if (eventSourceArn == null || eventSourceArn.isBlank()) return null;
        return eventSourceArn.substring(eventSourceArn.lastIndexOf(':') + 1);
    }
}
