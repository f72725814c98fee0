package io.inlet.aws.sqs;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.inlet.ingest.FileReport;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Hands a file that reached the invocation's deadline to the next invocation: the notification is
 * sent again to the queue it came from, at once, so the next invocation resumes from the ledger's
 * checkpoint with a ranged read — instead of waiting out the visibility timeout (6x the function
 * timeout). The original message is then deleted. Resuming is idempotent, so a continuation that
 * arrives twice appends nothing twice.
 */
public final class Continuations {

    /** Message attribute naming the file and record a continuation resumes (for logs and operators). */
    public static final String ATTRIBUTE = "inlet-continuation";

    private final SqsClient sqs;
    private final Map<String, String> urlByArn = new ConcurrentHashMap<>();

    public Continuations(SqsClient sqs) {
        this.sqs = sqs;
    }

    /** Sends the continuation of {@code original} for the suspended {@code report}; throws when SQS refuses. */
    public void send(SQSMessage original, FileReport report) {
        String arn = original.getEventSourceArn();
        String[] parts = arn == null ? new String[0] : arn.split(":", 6);
        if (parts.length != 6) throw new IllegalArgumentException("not an SQS queue ARN: " + arn);
        String queue = parts[5];
        String url = urlByArn.computeIfAbsent(arn, a -> sqs.getQueueUrl(b -> b.queueName(queue).queueOwnerAWSAccountId(parts[4])).queueUrl());
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        if (original.getMessageAttributes() != null) {
            original.getMessageAttributes().forEach((name, a) -> {
                if (a.getStringValue() != null && !name.equals(ATTRIBUTE)) {
                    attributes.put(name, MessageAttributeValue.builder().dataType(a.getDataType()).stringValue(a.getStringValue()).build());
                }
            });
        }
        long next = report.continueFrom() == null ? 0 : report.continueFrom().nextRecordNumber();
        if (attributes.size() < 10) { // SQS allows ten message attributes
            attributes.put(ATTRIBUTE, MessageAttributeValue.builder().dataType("String")
                    .stringValue("file " + report.fileId() + " from record " + next).build());
        }
        SendMessageRequest.Builder request = SendMessageRequest.builder().queueUrl(url).messageBody(original.getBody())
                .messageAttributes(attributes);
        if (queue.endsWith(".fifo")) {
            String group = original.getAttributes() == null ? null : original.getAttributes().get("MessageGroupId");
            request.messageGroupId(group == null ? "inlet-file-" + report.fileId() : group)
                    .messageDeduplicationId("inlet-" + report.fileId() + "-" + next);
        }
        sqs.sendMessage(request.build());
    }
}
