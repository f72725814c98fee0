package io.inlet.aws.sqs;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class SqsEventPublisherTest {

    private static final long QUIET_MILLIS = 15_000;

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    private static String standardUrl;
    private static String fifoUrl;
    private static String bigUrl;
    private static String strictUrl;
    private static String manyUrl;
    private static String lanesUrl;

    @BeforeAll
    static void queues() {
        standardUrl = SQS.createQueue("order-events");
        fifoUrl = SQS.createQueue("order-events.fifo");
        bigUrl = SQS.createQueue("big-events");
        strictUrl = SQS.createQueue("strict-events.fifo");
        manyUrl = SQS.createQueue("many-events");
        lanesUrl = SQS.createQueue("lane-events.fifo");
        S3.createBucket("claim-checks");
    }

    private SqsEventPublisher publisher(ClaimCheck claimCheck) {
        return new SqsEventPublisher(SQS.client(), S3.client(), Map.of("orders", standardUrl, "orders-fifo", fifoUrl,
                "big", bigUrl, "strict", strictUrl), claimCheck);
    }

    @Test
    void publishesMoreThanTenMessagesInBatchesWithTheirAttributes() {
        List<OutboxMessage> batch = IntStream.rangeClosed(1, 23)
                .mapToObj(i -> message(i, "orders", "order-" + (i % 3), "{\"n\":" + i + "}")).toList();
        PublishResult result = publisher(null).publish(batch);

        assertThat(result.failed()).isEmpty();
        assertThat(result.published()).hasSize(23).containsOnlyKeys(IntStream.rangeClosed(1, 23).mapToObj(i -> (long) i)
                .toList());
        List<Message> received = receiveAll(standardUrl, 23);
        assertThat(received).extracting(Message::body)
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 23).mapToObj(i -> "{\"n\":" + i + "}").toList());
        Message first = received.stream().filter(m -> m.body().equals("{\"n\":7}")).findFirst().orElseThrow();
        assertThat(first.messageAttributes().get("eventType").stringValue()).isEqualTo("OrderPlaced");
        assertThat(first.messageAttributes().get("schemaVersion").stringValue()).isEqualTo("2");
        assertThat(first.messageAttributes().get("schemaVersion").dataType()).isEqualTo("Number");
        assertThat(first.messageAttributes().get("correlationId").stringValue()).isEqualTo("corr-7");
        assertThat(result.published().get(7L)).isEqualTo(first.messageId());
    }

    @Test
    void aTracedMessageCarriesItsTraceparentAttributeAndAnUntracedOneNone() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        OutboxMessage traced = new OutboxMessage(201, "orders", UUID.nameUUIDFromBytes("event-201".getBytes()), "OrderPlaced", 2,
                "order-1", "4bf92f3577b34da6a3ce929d0e0e4736", "{\"n\":201}", traceparent);
        PublishResult result = publisher(null).publish(List.of(traced, message(202, "orders", "order-2", "{\"n\":202}")));

        assertThat(result.failed()).isEmpty();
        List<Message> received = receiveAll(standardUrl, 2);
        Message got = received.stream().filter(m -> m.body().equals("{\"n\":201}")).findFirst().orElseThrow();
        assertThat(got.messageAttributes().get("traceparent").stringValue()).isEqualTo(traceparent);
        assertThat(got.messageAttributes().get("traceparent").dataType()).isEqualTo("String");
        assertThat(got.messageAttributes().get("correlationId").stringValue()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        Message plain = received.stream().filter(m -> m.body().equals("{\"n\":202}")).findFirst().orElseThrow();
        assertThat(plain.messageAttributes()).doesNotContainKey("traceparent");
    }

    @Test
    void fifoMessagesUseStreamAsGroupAndEventIdAsDeduplicationId() {
        OutboxMessage a1 = message(101, "orders-fifo", "order-A", "{\"a\":1}");
        OutboxMessage b1 = message(102, "orders-fifo", "order-B", "{\"b\":1}");
        OutboxMessage a2 = message(103, "orders-fifo", "order-A", "{\"a\":2}");
        PublishResult result = publisher(null).publish(List.of(a1, b1, a2));

        assertThat(result.failed()).isEmpty();
        List<Message> received = receiveAll(fifoUrl, 3);
        // FIFO orders within a group only
        assertThat(received).filteredOn(m -> "order-A".equals(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)))
                .extracting(Message::body).containsExactly("{\"a\":1}", "{\"a\":2}");
        assertThat(received).filteredOn(m -> "order-B".equals(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)))
                .extracting(Message::body).containsExactly("{\"b\":1}");
        assertThat(received).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                .containsExactlyInAnyOrder(a1.eventId().toString(), b1.eventId().toString(), a2.eventId().toString());
        assertThat(result.published()).containsOnlyKeys(101L, 102L, 103L);
    }

    @Test
    void unknownDestinationFailsOnlyItsMessages() {
        PublishResult result = publisher(null).publish(List.of(message(201, "nowhere", "s", "{}"),
                message(202, "orders", "s", "{\"ok\":true}")));
        assertThat(result.failed()).containsExactly(Map.entry(201L,
                "unknown destination 'nowhere' (configured: [big, orders, orders-fifo, strict])"));
        assertThat(result.published()).containsOnlyKeys(202L);
        receiveAll(standardUrl, 1);
    }

    @Test
    void oversizedBodyGoesAsAClaimCheckWithTheSameAttributes() {
        String big = "{\"blob\":\"" + "x".repeat(300 * 1024) + "\"}";
        OutboxMessage m = message(301, "big", "order-big", big);
        PublishResult result = publisher(new ClaimCheck("claim-checks", "outbox/")).publish(List.of(m,
                message(302, "big", "order-small", "{\"small\":true}")));

        assertThat(result.failed()).isEmpty();
        List<Message> received = receiveAll(bigUrl, 2);
        String key = "outbox/big/" + m.eventId() + ".json";
        assertThat(received.get(0).body()).isEqualTo("[\"software.amazon.payloadoffloading.PayloadS3Pointer\","
                + "{\"s3BucketName\":\"claim-checks\",\"s3Key\":\"" + key + "\"}]");
        assertThat(received.get(0).messageAttributes().get("eventType").stringValue()).isEqualTo("OrderPlaced");
        assertThat(received.get(0).messageAttributes().get("ExtendedPayloadSize").dataType()).isEqualTo("Number");
        assertThat(received.get(0).messageAttributes().get("ExtendedPayloadSize").stringValue())
                .isEqualTo(Integer.toString(big.length()));
        assertThat(received.get(1).messageAttributes()).doesNotContainKey("ExtendedPayloadSize");
        assertThat(received.get(1).body()).isEqualTo("{\"small\":true}");
        assertThat(S3.client().getObjectAsBytes(b -> b.bucket("claim-checks").key(key)).asUtf8String()).isEqualTo(big);
    }

    @ParameterizedTest(name = "threshold {0}")
    @ValueSource(ints = {1, 200, 1000, 4096, 262144})
    void aMessageGoesAsAClaimCheckExactlyWhenItIsLargerThanTheThreshold(int threshold) {
        long base = 5000L + threshold;
        List<OutboxMessage> batch = new ArrayList<>();
        Map<Long, Boolean> expectPointer = new TreeMap<>();
        for (int delta : new int[] {-2, -1, 0, 1, 2, 500}) {
            long id = base * 10 + delta + 2;
            // the attributes of message(): eventType, schemaVersion, correlationId, each name + type + value
            OutboxMessage probe = message(id, "big", "t", "");
            int attributeBytes = "eventType".length() + "String".length() + probe.eventType().length()
                    + "schemaVersion".length() + "Number".length() + Integer.toString(probe.schemaVersion()).length()
                    + "correlationId".length() + "String".length() + probe.correlationId().length();
            int bodyBytes = threshold - attributeBytes + delta;
            if (bodyBytes < 1) continue;
            batch.add(message(id, "big", "t-" + id, "y".repeat(bodyBytes)));
            expectPointer.put(id, bodyBytes + attributeBytes > threshold);
        }
        PublishResult result = publisher(new ClaimCheck("claim-checks", "t/", threshold)).publish(batch);

        assertThat(result.failed()).isEmpty();
        List<Message> received = receiveAll(bigUrl, batch.size());
        Map<String, Boolean> pointerByMessageId = received.stream().collect(Collectors.toMap(Message::messageId,
                m -> m.body().startsWith("[\"software.amazon.payloadoffloading.PayloadS3Pointer\"")
                        && m.messageAttributes().containsKey("ExtendedPayloadSize")));
        expectPointer.forEach((id, pointer) -> assertThat(pointerByMessageId.get(result.published().get(id)))
                .as("message %d", id).isEqualTo(pointer));
    }

    @ParameterizedTest(name = "threshold {0}")
    @ValueSource(ints = {0, -1, 1048577})
    void aThresholdOutsideOneByteToOneMebibyteIsRefused(int threshold) {
        assertThatThrownBy(() -> new ClaimCheck("claim-checks", "", threshold))
                .hasMessage("claim-check threshold must be 1..1048576 bytes (was " + threshold + ")");
    }

    @Test
    void oversizedBodyWithoutClaimCheckBucketFails() {
        OutboxMessage m = message(401, "big", "s", "x".repeat(SqsEventPublisher.MAX_MESSAGE_BYTES));
        PublishResult result = publisher(null).publish(List.of(m));
        assertThat(result.published()).isEmpty();
        assertThat(result.failed().get(401L)).isEqualTo("body of 262144 bytes exceeds the SQS limit of 262144 and no"
                + " claim-check bucket is configured");
    }

    @ParameterizedTest(name = "send concurrency {0}")
    @ValueSource(ints = {1, 8})
    void aFailedEntryFailsAloneAndStopsTheLaterMessagesOfItsFifoGroup(int sendConcurrency) {
        long base = 1000L * sendConcurrency; // fresh event ids per run: FIFO deduplicates on them
        List<OutboxMessage> batch = new ArrayList<>();
        batch.add(message(base + 1, "strict", "order-A", "{\"bad\":\"\u0000\"}")); // SQS refuses U+0000 in a body
        for (long i = base + 2; i <= base + 10; i++) batch.add(message(i, "strict", "order-B", "{\"b\":" + i + "}"));
        // too big to share a call with the first whatever lane it is in: judged after that one failed
        batch.add(message(base + 11, "strict", "order-A", "x".repeat(SqsEventPublisher.MAX_MESSAGE_BYTES - 100)));
        batch.add(message(base + 12, "strict", "order-C", "{\"c\":1}"));
        PublishResult result;
        try (SqsEventPublisher publisher = new SqsEventPublisher(SQS.client(), null, Map.of("strict", strictUrl), null,
                sendConcurrency)) {
            result = publisher.publish(batch);
        }

        assertThat(result.failed()).containsOnlyKeys(base + 1, base + 11);
        assertThat(result.failed().get(base + 1)).isEqualTo("InvalidAttributeValue (sender fault): InvalidMessageContents");
        assertThat(result.failed().get(base + 11)).isEqualTo("not sent: an earlier message of group 'order-A' failed");
        assertThat(result.published()).containsOnlyKeys(append(LongStream.rangeClosed(base + 2, base + 10).boxed().toList(),
                base + 12));
        assertThat(receiveAll(strictUrl, 10)).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                .doesNotContain("order-A");
    }

    @Test
    void aThousandMessagesAtConcurrencyEightArePublishedOnceEachFromAtMostEightThreads() {
        SendCalls calls = new SendCalls();
        List<OutboxMessage> batch = LongStream.rangeClosed(1, 1000)
                .mapToObj(i -> message(i, "many", "order-" + (i % 37), "{\"n\":" + i + "}")).toList();
        PublishResult result;
        try (SqsClient sqs = SQS.newClient(calls); SqsEventPublisher publisher = new SqsEventPublisher(sqs, null,
                Map.of("many", manyUrl), null, 8)) {
            result = publisher.publish(batch);
        }

        assertThat(result.failed()).isEmpty();
        assertThat(result.published().keySet()).isEqualTo(LongStream.rangeClosed(1, 1000).boxed().collect(Collectors.toSet()));
        assertThat(Set.copyOf(result.published().values())).hasSize(1000);
        List<Message> received = receiveAll(manyUrl, 1000);
        assertThat(received).extracting(Message::body).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 1000).mapToObj(i -> "{\"n\":" + i + "}").toList());
        for (Message m : received) {
            long n = Long.parseLong(m.body().replaceAll("\\D", ""));
            assertThat(result.published().get(n)).as("broker id of message %d", n).isEqualTo(m.messageId());
        }
        assertThat(calls.count()).isEqualTo(100);
        assertThat(calls.maxInFlight()).isBetween(2, 8);
        assertThat(calls.threads()).hasSizeBetween(2, 8).allMatch(t -> t.startsWith("inlet-sqs-send-"));
    }

    @Test
    void atConcurrencyOneTheCallsGoOneAfterAnotherOnTheCallersThread() {
        SendCalls calls = new SendCalls();
        List<OutboxMessage> batch = LongStream.rangeClosed(1, 45)
                .mapToObj(i -> message(i, "many", "order-" + i, "{\"n\":" + i + "}")).toList();
        PublishResult result;
        try (SqsClient sqs = SQS.newClient(calls); SqsEventPublisher publisher = new SqsEventPublisher(sqs, null,
                Map.of("many", manyUrl), null, 1)) {
            result = publisher.publish(batch);
        }

        assertThat(result.failed()).isEmpty();
        assertThat(result.published()).hasSize(45);
        receiveAll(manyUrl, 45);
        assertThat(calls.count()).isEqualTo(5);
        assertThat(calls.maxInFlight()).isEqualTo(1);
        assertThat(calls.threads()).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void aFailedCallFailsOnlyItsMessagesWhileTheConcurrentCallsGoOut() {
        String missingUrl = manyUrl.replace("many-events", "no-such-queue");
        List<OutboxMessage> batch = new ArrayList<>();
        for (long i = 1; i <= 130; i++) {
            batch.add(i % 13 == 0 ? message(i, "missing", "s-" + i, "{\"lost\":" + i + "}")
                    : message(i, "many", "s-" + i, "{\"n\":" + i + "}"));
        }
        batch.add(message(131, "many", "s-131", "x".repeat(SqsEventPublisher.MAX_MESSAGE_BYTES)));
        PublishResult result;
        try (SqsEventPublisher publisher = new SqsEventPublisher(SQS.client(), null,
                Map.of("many", manyUrl, "missing", missingUrl), null, 8)) {
            result = publisher.publish(batch);
        }

        List<Long> toMissing = LongStream.rangeClosed(1, 130).filter(i -> i % 13 == 0).boxed().toList();
        assertThat(result.failed()).containsOnlyKeys(append(toMissing, 131L));
        for (long id : toMissing) {
            assertThat(result.failed().get(id)).startsWith("SendMessageBatch to " + missingUrl + " failed: ")
                    .contains("does not exist");
        }
        assertThat(result.failed().get(131L)).isEqualTo("body of 262144 bytes exceeds the SQS limit of 262144 and no"
                + " claim-check bucket is configured");
        List<Long> toMany = LongStream.rangeClosed(1, 130).filter(i -> i % 13 != 0).boxed().toList();
        assertThat(result.published()).containsOnlyKeys(toMany);
        assertThat(receiveAll(manyUrl, 120)).extracting(Message::body)
                .containsExactlyInAnyOrderElementsOf(toMany.stream().map(i -> "{\"n\":" + i + "}").toList());
    }

    @Test
    void fifoGroupsKeepTheirOrderWhenLanesSendConcurrently() {
        // 20 groups of 15 messages, interleaved as the outbox would give them
        List<OutboxMessage> batch = new ArrayList<>();
        for (int seq = 1; seq <= 15; seq++) {
            for (int group = 0; group < 20; group++) {
                long id = seq * 100L + group;
                batch.add(message(id, "lanes", "order-" + group, "{\"group\":" + group + ",\"seq\":" + seq + "}"));
            }
        }
        SendCalls calls = new SendCalls();
        PublishResult result;
        try (SqsClient sqs = SQS.newClient(calls); SqsEventPublisher publisher = new SqsEventPublisher(sqs, null,
                Map.of("lanes", lanesUrl), null, 8)) {
            result = publisher.publish(batch);
        }

        assertThat(result.failed()).isEmpty();
        assertThat(result.published()).hasSize(300);
        Map<String, List<String>> bodiesByGroup = receiveAll(lanesUrl, 300).stream().collect(Collectors.groupingBy(
                m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID), TreeMap::new,
                Collectors.mapping(Message::body, Collectors.toList())));
        assertThat(bodiesByGroup).hasSize(20);
        for (int group = 0; group < 20; group++) {
            int g = group;
            assertThat(bodiesByGroup.get("order-" + group)).as("group order-%d", group).containsExactlyElementsOf(
                    IntStream.rangeClosed(1, 15).mapToObj(seq -> "{\"group\":" + g + ",\"seq\":" + seq + "}").toList());
        }
        assertThat(calls.maxInFlight()).isBetween(1, 8);
        assertThat(calls.threads()).allMatch(t -> t.startsWith("inlet-sqs-send-"));
    }

    @Test
    void sendConcurrencyOutsideOneToSixtyFourIsRefused() {
        assertThatThrownBy(() -> new SqsEventPublisher(SQS.client(), null, Map.of(), null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("send concurrency must be 1..64 (was 0)");
        assertThatThrownBy(() -> new SqsEventPublisher(SQS.client(), null, Map.of(), null, 65))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("send concurrency must be 1..64 (was 65)");
    }

    @Test
    void aClosedPublisherRefusesToPublish() {
        SqsEventPublisher publisher = new SqsEventPublisher(SQS.client(), null, Map.of("many", manyUrl), null, 4);
        publisher.close();
        assertThatThrownBy(() -> publisher.publish(List.of(message(1, "many", "s", "{}"))))
                .isInstanceOf(RejectedExecutionException.class);
    }

    private static List<Long> append(List<Long> ids, long id) {
        List<Long> all = new ArrayList<>(ids);
        all.add(id);
        return all;
    }

    /** Counts the SendMessageBatch calls a client makes, how many were in flight at once, and on which threads. */
    private static final class SendCalls implements ExecutionInterceptor {
        private final AtomicInteger count = new AtomicInteger();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger maxInFlight = new AtomicInteger();
        private final Set<String> threads = ConcurrentHashMap.newKeySet();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (!(context.request() instanceof SendMessageBatchRequest)) return;
            count.incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof SendMessageBatchRequest) inFlight.decrementAndGet();
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof SendMessageBatchRequest) inFlight.decrementAndGet();
        }

        int count() {
            return count.get();
        }

        int maxInFlight() {
            return maxInFlight.get();
        }

        Set<String> threads() {
            return threads;
        }
    }

    private static OutboxMessage message(long id, String destination, String stream, String body) {
        return new OutboxMessage(id, destination, UUID.nameUUIDFromBytes(("event-" + id).getBytes()), "OrderPlaced", 2,
                stream, "corr-" + id, body);
    }

    /**
     * Receives until {@code expected} messages came or none came for {@value #QUIET_MILLIS} ms: the wait is for
     * the queue to go quiet, not for a fixed window, so messages still trickling in on a loaded machine (250 of
     * 300 FIFO messages were seen in the old 16 s window) are not mistaken for lost ones.
     */
    static List<Message> receiveAll(String queueUrl, int expected) {
        List<Message> out = new ArrayList<>();
        long until = System.currentTimeMillis() + QUIET_MILLIS;
        while (out.size() < expected && System.currentTimeMillis() < until) {
            List<Message> got = SQS.client().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (got.isEmpty()) continue;
            until = System.currentTimeMillis() + QUIET_MILLIS;
            out.addAll(got);
            SQS.client().deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(got.stream().map(m ->
                    DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build()).toList()));
        }
        assertThat(out).hasSize(expected);
        return out;
    }
}
