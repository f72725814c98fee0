package io.inlet.aws.sqs;

import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.outbox.EventPublisher;
import io.inlet.outbox.EventPublisherContract;
import io.inlet.outbox.OutboxMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * {@link SqsEventPublisher} under the {@link EventPublisherContract}, against ElasticMQ in this JVM:
 * one queue per subclass (standard or FIFO), read back and deleted by the tests.
 */
abstract class SqsPublisherContract extends EventPublisherContract {

    private static final AtomicInteger QUEUES = new AtomicInteger();
    private static final Map<Class<?>, String> QUEUE_URLS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The ElasticMQ the subclass registers (one per class: each starts and stops its own). */
    protected abstract SqsEmulator sqs();

    /** The queue's name without the {@code .fifo} suffix, which {@link #ordered()} decides. */
    private String queueUrl() {
        return QUEUE_URLS.computeIfAbsent(getClass(),
                c -> sqs().createQueue("contract-" + QUEUES.incrementAndGet() + (ordered() ? ".fifo" : "")));
    }

    @Override
    protected EventPublisher newPublisher() {
        return new SqsEventPublisher(sqs().client(), null, Map.of(DESTINATION, queueUrl()), null);
    }

    @Override
    protected List<Received> receive(int expected) {
        List<Received> out = new ArrayList<>();
        long until = System.currentTimeMillis() + 10_000;
        boolean lastLook = false;
        while (System.currentTimeMillis() < until) {
            List<Message> got = sqs().client().receiveMessage(b -> b.queueUrl(queueUrl()).maxNumberOfMessages(10)
                    .waitTimeSeconds(out.size() < expected ? 1 : 0).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            for (Message m : got) {
                Map<String, String> attributes = new LinkedHashMap<>();
                m.messageAttributes().forEach((k, v) -> attributes.put(k, v.stringValue()));
                out.add(new Received(m.messageId(), m.body(), attributes,
                        m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)));
            }
            if (!got.isEmpty()) {
                sqs().client().deleteMessageBatch(b -> b.queueUrl(queueUrl()).entries(got.stream().map(m ->
                        DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build())
                        .toList()));
            } else if (out.size() >= expected) {
                if (lastLook) break;
                lastLook = true;
            }
        }
        return out;
    }

    /** A body over SQS's limit, with no claim-check bucket configured. */
    @Override
    protected OutboxMessage refused(OutboxMessage message) {
        return withBody(message, "x".repeat(SqsEventPublisher.MAX_MESSAGE_BYTES + 1));
    }

    @Override
    protected boolean destinationsConfigured() {
        return true;
    }
}
