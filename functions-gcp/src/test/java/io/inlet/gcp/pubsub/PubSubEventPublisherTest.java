package io.inlet.gcp.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The real Publisher client against the emulator (when installed) and against the in-process service (always). */
class PubSubEventPublisherTest {

    private static final AtomicInteger RUN = new AtomicInteger();

    interface BrokerStarter {
        PubSubBroker start() throws Exception;
    }

    static Stream<Arguments> brokers() {
        Stream<Arguments> inProcess = Stream.of(Arguments.of("in-process service", (BrokerStarter) InProcessPubSub::start));
        if (!Files.isExecutable(PubSubBroker.EMULATOR)) {
            System.out.println("Pub/Sub emulator not installed at " + PubSubBroker.EMULATOR + ": only the in-process service runs");
            return inProcess;
        }
        return Stream.concat(Stream.of(Arguments.of("emulator", (BrokerStarter) PubSubEmulator::start)), inProcess);
    }

    private static OutboxMessage message(long id, String destination, String stream, String type) {
        UUID eventId = UUID.nameUUIDFromBytes(("e" + id).getBytes());
        String body = "{\"specversion\":\"1.0\",\"id\":\"" + eventId + "\",\"type\":\"" + type + "\",\"subject\":\"" + stream + "\"}";
        return new OutboxMessage(id, destination, eventId, type, 2, stream, "corr-" + id, body);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokers")
    void publishesWithAttributesOrderingKeysAndReportsBrokerIds(String name, BrokerStarter starter) throws Exception {
        String suffix = "-" + RUN.incrementAndGet();
        try (PubSubBroker broker = starter.start();
             PubSubConnection connection = PubSubConnection.emulator(broker.hostAndPort())) {
            System.out.println("Pub/Sub broker for this test: " + broker.describe());
            broker.createTopic("orders-out" + suffix);
            broker.createTopic("audit" + suffix);
            broker.createSubscription("orders-out" + suffix, "orders-sub" + suffix, true);
            broker.createSubscription("audit" + suffix, "audit-sub" + suffix, false);
            Map<String, TopicName> topics = Map.of(
                    "orders", TopicName.of(PubSubBroker.PROJECT, "orders-out" + suffix),
                    "audit", TopicName.of(PubSubBroker.PROJECT, "audit" + suffix));
            try (PubSubEventPublisher publisher = new PubSubEventPublisher(topics, Set.of("orders"),
                    PublishSettings.DEFAULTS, connection)) {
                List<OutboxMessage> batch = List.of(
                        message(1, "orders", "order-1", "OrderPlaced"),
                        message(2, "orders", "order-1", "OrderPaid"),
                        message(3, "audit", "order-1", "OrderPlaced"),
                        message(4, "nowhere", "order-1", "OrderPlaced"));

                PublishResult result = publisher.publish(batch);

                assertThat(result.failed()).isEqualTo(Map.of(4L, "unknown destination 'nowhere': not in INLET_DESTINATIONS"));
                assertThat(result.published()).containsOnlyKeys(1L, 2L, 3L);
                List<PubsubMessage> ordered = broker.pull("orders-sub" + suffix, 2);
                assertThat(ordered).extracting(PubsubMessage::getMessageId)
                        .containsExactly(result.published().get(1L), result.published().get(2L));
                assertThat(ordered).extracting(PubsubMessage::getOrderingKey).containsExactly("order-1", "order-1");
                assertThat(ordered.get(0).getAttributesMap()).isEqualTo(
                        Map.of("eventType", "OrderPlaced", "schemaVersion", "2", "correlationId", "corr-1"));
                assertThat(ordered.get(1).getAttributesMap()).isEqualTo(
                        Map.of("eventType", "OrderPaid", "schemaVersion", "2", "correlationId", "corr-2"));
                assertThat(ordered.get(0).getData().toStringUtf8()).isEqualTo(batch.get(0).body());
                List<PubsubMessage> audit = broker.pull("audit-sub" + suffix, 1);
                assertThat(audit).hasSize(1);
                assertThat(audit.get(0).getMessageId()).isEqualTo(result.published().get(3L));
                assertThat(audit.get(0).getOrderingKey()).isEmpty();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokers")
    void aTracedMessageCarriesItsTraceparentAttributeAndAnUntracedOneNone(String name, BrokerStarter starter) throws Exception {
        String suffix = "-" + RUN.incrementAndGet();
        try (PubSubBroker broker = starter.start();
             PubSubConnection connection = PubSubConnection.emulator(broker.hostAndPort())) {
            broker.createTopic("traced" + suffix);
            broker.createSubscription("traced" + suffix, "traced-sub" + suffix, true);
            Map<String, TopicName> topics = Map.of("traced", TopicName.of(PubSubBroker.PROJECT, "traced" + suffix));
            String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
            OutboxMessage plain = message(1, "traced", "order-1", "OrderPlaced");
            OutboxMessage traced = new OutboxMessage(2, "traced", UUID.nameUUIDFromBytes("e2".getBytes()), "OrderPaid", 2,
                    "order-1", "4bf92f3577b34da6a3ce929d0e0e4736", plain.body(), traceparent);
            try (PubSubEventPublisher publisher = new PubSubEventPublisher(topics, Set.of("traced"),
                    PublishSettings.DEFAULTS, connection)) {
                PublishResult result = publisher.publish(List.of(plain, traced));

                assertThat(result.failed()).isEmpty();
                List<PubsubMessage> got = broker.pull("traced-sub" + suffix, 2);
                assertThat(got).extracting(PubsubMessage::getMessageId)
                        .containsExactly(result.published().get(1L), result.published().get(2L));
                assertThat(got.get(0).getAttributesMap()).doesNotContainKey("traceparent");
                assertThat(got.get(1).getAttributesMap()).isEqualTo(Map.of("eventType", "OrderPaid", "schemaVersion", "2",
                        "correlationId", "4bf92f3577b34da6a3ce929d0e0e4736", "traceparent", traceparent));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokers")
    void publishToAMissingTopicFailsThatMessageOnly(String name, BrokerStarter starter) throws Exception {
        String suffix = "-" + RUN.incrementAndGet();
        try (PubSubBroker broker = starter.start();
             PubSubConnection connection = PubSubConnection.emulator(broker.hostAndPort())) {
            System.out.println("Pub/Sub broker for this test: " + broker.describe());
            broker.createTopic("present" + suffix);
            broker.createSubscription("present" + suffix, "present-sub" + suffix, false);
            Map<String, TopicName> topics = Map.of(
                    "present", TopicName.of(PubSubBroker.PROJECT, "present" + suffix),
                    "missing", TopicName.of(PubSubBroker.PROJECT, "never-created" + suffix));
            try (PubSubEventPublisher publisher = new PubSubEventPublisher(topics, Set.of("missing"),
                    PublishSettings.DEFAULTS.withPublishTimeout(Duration.ofSeconds(10)), connection)) {
                PublishResult result = publisher.publish(List.of(
                        message(1, "missing", "s-1", "A"), message(2, "present", "s-1", "A")));

                assertThat(result.published()).containsOnlyKeys(2L);
                assertThat(result.failed()).containsOnlyKeys(1L);
                assertThat(result.failed().get(1L)).startsWith("publish to missing failed: ").contains("NOT_FOUND");
                assertThat(broker.pull("present-sub" + suffix, 1)).extracting(PubsubMessage::getMessageId)
                        .containsExactly(result.published().get(2L));
            }
        }
    }
}
