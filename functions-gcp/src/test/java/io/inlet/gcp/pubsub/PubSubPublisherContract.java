package io.inlet.gcp.pubsub;

import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import io.inlet.outbox.EventPublisher;
import io.inlet.outbox.EventPublisherContract;
import io.inlet.outbox.OutboxMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link PubSubEventPublisher} under the {@link EventPublisherContract}, against the in-process
 * Pub/Sub service this module's tests use: one topic and subscription per subclass (ordering on or off).
 */
abstract class PubSubPublisherContract extends EventPublisherContract {

    /** Pub/Sub refuses a message over 10 MB (the in-process service: over its gRPC inbound limit). */
    static final int TOO_LARGE = 11 * 1024 * 1024;

    /** A refused message is retried by the client until this timeout: short, so a test does not wait a minute. */
    private static final PublishSettings SETTINGS = PublishSettings.DEFAULTS.withPublishTimeout(Duration.ofSeconds(10));

    private static PubSubBroker broker;
    private static PubSubConnection connection;
    private static int topics;
    private String topic;
    private int seen;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = InProcessPubSub.start();
        connection = PubSubConnection.emulator(broker.hostAndPort());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        connection.close();
        broker.close();
    }

    @Override
    protected EventPublisher newPublisher() throws Exception {
        topic = "contract-" + ++topics;
        broker.createTopic(topic);
        broker.createSubscription(topic, topic + "-sub", ordered());
        return new PubSubEventPublisher(Map.of(DESTINATION, TopicName.of(PubSubBroker.PROJECT, topic)),
                ordered() ? Set.of(DESTINATION) : Set.of(), SETTINGS, connection);
    }

    @Override
    protected List<Received> receive(int expected) throws Exception {
        List<PubsubMessage> all = broker.pull(topic + "-sub", seen + expected);
        Thread.sleep(200);
        all = broker.pull(topic + "-sub", all.size());
        List<Received> out = new ArrayList<>();
        for (PubsubMessage m : all.subList(seen, all.size())) {
            out.add(new Received(m.getMessageId(), m.getData().toStringUtf8(), m.getAttributesMap(),
                    m.getOrderingKey().isEmpty() ? null : m.getOrderingKey()));
        }
        seen = all.size();
        return out;
    }

    @Override
    protected OutboxMessage refused(OutboxMessage message) {
        return withBody(message, "x".repeat(TOO_LARGE));
    }

    @Override
    protected boolean destinationsConfigured() {
        return true;
    }
}
