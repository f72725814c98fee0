package io.inlet.aws.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class SqsEventPublisherTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    private static String standardUrl;
    private static String fifoUrl;
    private static String bigUrl;
    private static String strictUrl;

    @BeforeAll
    static void queues() {
        standardUrl = SQS.createQueue("order-events");
        fifoUrl = SQS.createQueue("order-events.fifo");
        bigUrl = SQS.createQueue("big-events");
        strictUrl = SQS.createQueue("strict-events.fifo");
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
        assertThat(received.get(0).body())
                .isEqualTo("{\"inletClaimCheck\":{\"bucket\":\"claim-checks\",\"key\":\"" + key + "\"}}");
        assertThat(received.get(0).messageAttributes().get("eventType").stringValue()).isEqualTo("OrderPlaced");
        assertThat(received.get(1).body()).isEqualTo("{\"small\":true}");
        assertThat(S3.client().getObjectAsBytes(b -> b.bucket("claim-checks").key(key)).asUtf8String()).isEqualTo(big);
    }

    @Test
    void oversizedBodyWithoutClaimCheckBucketFails() {
        OutboxMessage m = message(401, "big", "s", "x".repeat(SqsEventPublisher.MAX_MESSAGE_BYTES));
        PublishResult result = publisher(null).publish(List.of(m));
        assertThat(result.published()).isEmpty();
        assertThat(result.failed().get(401L)).isEqualTo("body of 262144 bytes exceeds the SQS limit of 262144 and no"
                + " claim-check bucket is configured");
    }

    @Test
    void aFailedEntryFailsAloneAndStopsTheLaterMessagesOfItsFifoGroup() {
        List<OutboxMessage> batch = new ArrayList<>();
        batch.add(message(501, "strict", "order-A", "{\"bad\":\"\u0000\"}")); // SQS refuses U+0000 in a body
        for (int i = 502; i <= 510; i++) batch.add(message(i, "strict", "order-B", "{\"b\":" + i + "}"));
        batch.add(message(511, "strict", "order-A", "{\"a\":2}")); // second chunk: must not overtake 501
        batch.add(message(512, "strict", "order-C", "{\"c\":1}"));
        PublishResult result = publisher(null).publish(batch);

        assertThat(result.failed()).containsOnlyKeys(501L, 511L);
        assertThat(result.failed().get(511L)).isEqualTo("not sent: an earlier message of group 'order-A' failed");
        assertThat(result.published()).hasSize(10);
        assertThat(receiveAll(strictUrl, 10)).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                .doesNotContain("order-A");
    }

    private static OutboxMessage message(long id, String destination, String stream, String body) {
        return new OutboxMessage(id, destination, UUID.nameUUIDFromBytes(("event-" + id).getBytes()), "OrderPlaced", 2,
                stream, "corr-" + id, body);
    }

    static List<Message> receiveAll(String queueUrl, int expected) {
        List<Message> out = new ArrayList<>();
        long until = System.currentTimeMillis() + 10_000;
        while (out.size() < expected && System.currentTimeMillis() < until) {
            List<Message> got = SQS.client().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            for (Message m : got) {
                out.add(m);
                SQS.client().deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        assertThat(out).hasSize(expected);
        return out;
    }
}
