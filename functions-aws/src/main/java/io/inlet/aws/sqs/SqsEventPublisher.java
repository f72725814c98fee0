package io.inlet.aws.sqs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.event.TraceContext;
import io.inlet.outbox.EventPublisher;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * {@link EventPublisher} on SQS: {@code SendMessageBatch}, at most 10 entries and 256 KiB per call,
 * each entry's failure reported on its own.
 *
 * <ul>
 *   <li>The logical destination maps to a queue URL from configuration; an unknown destination
 *       fails just its messages.</li>
 *   <li>FIFO queues (URL ending {@code .fifo}): message group = stream id, deduplication id = event
 *       id. Once a message of a group fails, the later messages of that group in this call are not
 *       sent (failed), so the group's order holds when the relay retries.</li>
 *   <li>Attributes {@code eventType}, {@code schemaVersion}, {@code correlationId} (when set) and
 *       {@code traceparent} (W3C trace context, when the correlation id is a trace id).</li>
 *   <li>A message over {@link #MAX_MESSAGE_BYTES} goes as a claim check: the body is put in S3 and
 *       the message carries a small pointer plus the same attributes. Without a claim-check bucket
 *       it fails.</li>
 * </ul>
 */
public final class SqsEventPublisher implements EventPublisher {

    /** SQS's message size limit (body plus attributes), and the limit of a whole batch request. */
    public static final int MAX_MESSAGE_BYTES = 256 * 1024;
    static final int MAX_BATCH_ENTRIES = 10;

    private final SqsClient sqs;
    private final S3Client s3;
    private final Map<String, String> queueUrls;
    private final ClaimCheck claimCheck;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param queueUrls  logical destination -> queue URL
     * @param claimCheck where oversized bodies go; null to fail them instead
     * @param s3         used only for claim checks; may be null when claimCheck is
     */
    public SqsEventPublisher(SqsClient sqs, S3Client s3, Map<String, String> queueUrls, ClaimCheck claimCheck) {
        this.sqs = sqs;
        this.s3 = s3;
        this.queueUrls = Map.copyOf(queueUrls);
        this.claimCheck = claimCheck;
        if (claimCheck != null && s3 == null) throw new IllegalArgumentException("a claim check needs an S3 client");
    }

    @Override
    public PublishResult publish(List<OutboxMessage> batch) {
        Map<Long, String> published = new LinkedHashMap<>();
        Map<Long, String> failed = new LinkedHashMap<>();
        Map<String, List<OutboxMessage>> byDestination = new LinkedHashMap<>();
        for (OutboxMessage m : batch) byDestination.computeIfAbsent(m.destination(), d -> new ArrayList<>()).add(m);

        for (Map.Entry<String, List<OutboxMessage>> e : byDestination.entrySet()) {
            String queueUrl = queueUrls.get(e.getKey());
            if (queueUrl == null) {
                String reason = "unknown destination '" + e.getKey() + "' (configured: " + new TreeSet<>(queueUrls.keySet())
                        + ")";
                e.getValue().forEach(m -> failed.put(m.outboxId(), reason));
                continue;
            }
            new QueueBatch(e.getKey(), queueUrl, published, failed).send(e.getValue());
        }
        return new PublishResult(published, failed);
    }

    /** The messages of one call for one queue, sent in chunks that respect SQS's batch limits. */
    private final class QueueBatch {
        private final String destination;
        private final String queueUrl;
        private final boolean fifo;
        private final Map<Long, String> published;
        private final Map<Long, String> failed;
        private final Set<String> failedGroups = new HashSet<>();
        private final Map<String, OutboxMessage> chunk = new LinkedHashMap<>();
        private final List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        private int chunkBytes;

        QueueBatch(String destination, String queueUrl, Map<Long, String> published, Map<Long, String> failed) {
            this.destination = destination;
            this.queueUrl = queueUrl;
            this.fifo = queueUrl.endsWith(".fifo");
            this.published = published;
            this.failed = failed;
        }

        void send(List<OutboxMessage> messages) {
            for (OutboxMessage m : messages) {
                // send what is pending first, so a failure in it is known before this message is judged
                if (entries.size() == MAX_BATCH_ENTRIES) flush();
                if (groupAlreadyFailed(m)) continue;
                SendMessageBatchRequestEntry entry;
                try {
                    entry = entryFor(m);
                } catch (RuntimeException ex) {
                    fail(m, "claim check failed: " + ex.getMessage());
                    continue;
                }
                if (entry == null) continue;
                int size = sizeOf(entry);
                if (chunkBytes + size > MAX_MESSAGE_BYTES) {
                    flush();
                    if (groupAlreadyFailed(m)) continue;
                }
                entries.add(entry);
                chunk.put(entry.id(), m);
                chunkBytes += size;
            }
            flush();
        }

        private boolean groupAlreadyFailed(OutboxMessage m) {
            if (!fifo || !failedGroups.contains(m.streamId())) return false;
            failed.put(m.outboxId(), "not sent: an earlier message of group '" + m.streamId() + "' failed");
            return true;
        }

        private SendMessageBatchRequestEntry entryFor(OutboxMessage m) {
            Map<String, MessageAttributeValue> attributes = attributes(m);
            String body = m.body();
            if (bytes(body) + attributeBytes(attributes) > MAX_MESSAGE_BYTES) {
                if (claimCheck == null) {
                    fail(m, "body of " + bytes(body) + " bytes exceeds the SQS limit of " + MAX_MESSAGE_BYTES
                            + " and no claim-check bucket is configured");
                    return null;
                }
                body = storeClaimCheck(m);
            }
            SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                    .id("m" + m.outboxId()).messageBody(body).messageAttributes(attributes);
            if (fifo) entry.messageGroupId(m.streamId()).messageDeduplicationId(m.eventId().toString());
            return entry.build();
        }

        private String storeClaimCheck(OutboxMessage m) {
            String key = claimCheck.keyFor(destination, m.eventId().toString());
            s3.putObject(PutObjectRequest.builder().bucket(claimCheck.bucket()).key(key)
                    .contentType("application/cloudevents+json").build(), RequestBody.fromString(m.body(), StandardCharsets.UTF_8));
            ObjectNode pointer = json.createObjectNode();
            pointer.putObject("inletClaimCheck").put("bucket", claimCheck.bucket()).put("key", key);
            return pointer.toString();
        }

        private void flush() {
            if (entries.isEmpty()) return;
            try {
                SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                for (SendMessageBatchResultEntry ok : response.successful()) {
                    published.put(chunk.get(ok.id()).outboxId(), ok.messageId());
                }
                for (BatchResultErrorEntry err : response.failed()) {
                    fail(chunk.get(err.id()), err.code() + (Boolean.TRUE.equals(err.senderFault()) ? " (sender fault)" : "")
                            + ": " + err.message());
                }
            } catch (SdkException ex) {
                // nothing is known about this call: its messages count as not published and are retried
                String reason = "SendMessageBatch to " + queueUrl + " failed: " + ex.getMessage();
                chunk.values().forEach(m -> fail(m, reason));
            }
            entries.clear();
            chunk.clear();
            chunkBytes = 0;
        }

        private void fail(OutboxMessage m, String reason) {
            failed.put(m.outboxId(), reason);
            if (fifo) failedGroups.add(m.streamId());
        }
    }

    private static Map<String, MessageAttributeValue> attributes(OutboxMessage m) {
        Map<String, MessageAttributeValue> a = new LinkedHashMap<>();
        a.put("eventType", MessageAttributeValue.builder().dataType("String").stringValue(m.eventType()).build());
        a.put("schemaVersion", MessageAttributeValue.builder().dataType("Number")
                .stringValue(Integer.toString(m.schemaVersion())).build());
        if (m.correlationId() != null && !m.correlationId().isEmpty()) {
            a.put("correlationId", MessageAttributeValue.builder().dataType("String").stringValue(m.correlationId())
                    .build());
        }
        if (m.traceparent() != null) {
            a.put(TraceContext.TRACEPARENT, MessageAttributeValue.builder().dataType("String").stringValue(m.traceparent())
                    .build());
        }
        return a;
    }

    private static int sizeOf(SendMessageBatchRequestEntry entry) {
        return bytes(entry.messageBody()) + attributeBytes(entry.messageAttributes());
    }

    /** SQS counts an attribute as its name, its data type and its value. */
    private static int attributeBytes(Map<String, MessageAttributeValue> attributes) {
        int n = 0;
        for (Map.Entry<String, MessageAttributeValue> a : attributes.entrySet()) {
            n += bytes(a.getKey()) + bytes(a.getValue().dataType()) + bytes(a.getValue().stringValue());
        }
        return n;
    }

    private static int bytes(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
