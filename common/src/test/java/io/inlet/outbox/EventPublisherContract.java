package io.inlet.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link EventPublisher} contract as its Javadoc writes it, run against every implementation (as
 * gruelbox's {@code AbstractPersistorTest} runs against every database). A subclass configures its
 * publisher with one destination, {@link #DESTINATION}, says whether that destination keeps a
 * stream's order, reads back what arrived there, and names a message its publisher refuses; every
 * test then runs against it.
 *
 * <p>Outbox ids and event ids are fresh in every test (FIFO queues deduplicate on the event id), and
 * each test reads back everything it published, so a subclass may share one destination across tests.
 */
public abstract class EventPublisherContract {

    /** The logical destination (as in the feeds file) the publisher under test is configured with. */
    protected static final String DESTINATION = "contract-events";

    /**
     * One message as a consumer of the destination sees it.
     *
     * @param messageId   the broker's id of it (what {@link PublishResult#published()} reports)
     * @param attributes  every message attribute, as strings
     * @param orderingKey the ordering key or message group; null where the destination has none
     */
    public record Received(String messageId, String body, Map<String, String> attributes, String orderingKey) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong OUTBOX_IDS = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    private EventPublisher publisher;

    /** A publisher configured with {@link #DESTINATION}; closed after the test when it is {@link AutoCloseable}. */
    protected abstract EventPublisher newPublisher() throws Exception;

    /** True when {@link #DESTINATION} keeps a stream's order (a FIFO queue, a topic with ordering on, a file). */
    protected abstract boolean ordered();

    /**
     * What arrived at {@link #DESTINATION} since the last call, in the order a consumer sees it: waits
     * until at least {@code expected} messages arrived, then briefly for any more.
     */
    protected abstract List<Received> receive(int expected) throws Exception;

    /** The message (same outbox id, destination and stream) changed so that this publisher refuses it alone. */
    protected abstract OutboxMessage refused(OutboxMessage message);

    /** True when the publisher knows its destinations, so that an unknown one fails its messages. */
    protected abstract boolean destinationsConfigured();

    @BeforeEach
    void openPublisher() throws Exception {
        publisher = newPublisher();
    }

    @AfterEach
    void closePublisher() throws Exception {
        if (publisher instanceof AutoCloseable closeable) closeable.close();
    }

    @Test
    public void eachMessageArrivesWithItsBodyAttributesAndTheIdReportedForIt() throws Exception {
        List<OutboxMessage> batch = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String stream = "order-" + (i % 3);
            String correlation = i % 4 == 0 ? null : "corr-" + i;
            String traceparent = i % 3 == 1 ? "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b" + i % 10 + "-01" : null;
            batch.add(message(stream, "OrderPlaced", 1 + i % 2, correlation, traceparent, i));
        }
        PublishResult result = publisher.publish(batch);

        assertThat(result.failed()).isEmpty();
        assertThat(result.published()).containsOnlyKeys(ids(batch));
        Map<String, Received> byBody = byBody(receive(batch.size()));
        assertThat(byBody).hasSize(batch.size());
        for (OutboxMessage m : batch) {
            Received got = byBody.get(m.body());
            assertThat(got).as("message %d arrived", m.outboxId()).isNotNull();
            assertThat(got.messageId()).as("broker id of %d", m.outboxId()).isEqualTo(result.published().get(m.outboxId()));
            assertAttributes(m, got);
            if (ordered()) assertThat(got.orderingKey()).as("ordering key of %d", m.outboxId()).isEqualTo(m.streamId());
        }
    }

    @Test
    public void anEmptyBatchPublishesNothing() throws Exception {
        PublishResult empty = publisher.publish(List.of());
        assertThat(empty.published()).isEmpty();
        assertThat(empty.failed()).isEmpty();

        OutboxMessage after = message("order-1", "OrderPlaced", 1, "c", null, 0);
        assertThat(publisher.publish(List.of(after)).published()).containsOnlyKeys(after.outboxId());
        assertThat(receive(1)).extracting(Received::body).containsExactly(after.body());
    }

    @Test
    public void aRefusedMessageFailsAloneWithAReasonAndTheOthersArrive() throws Exception {
        OutboxMessage before = message("order-a", "OrderPlaced", 1, "c", null, 1);
        OutboxMessage bad = refused(message("order-b", "OrderPlaced", 1, "c", null, 2));
        OutboxMessage after = message("order-c", "OrderPlaced", 1, "c", null, 3);
        PublishResult result = publisher.publish(List.of(before, bad, after));

        assertThat(result.failed()).containsOnlyKeys(bad.outboxId());
        assertThat(result.failed().get(bad.outboxId())).isNotBlank();
        assertThat(result.published()).containsOnlyKeys(before.outboxId(), after.outboxId());
        assertThat(receive(2)).extracting(Received::body).containsExactlyInAnyOrder(before.body(), after.body());
    }

    @Test
    public void onAnOrderedDestinationAStreamStopsAtItsFirstFailedMessage() throws Exception {
        assumeThat(ordered()).as("the destination keeps no order").isTrue();
        OutboxMessage a1 = message("order-a", "OrderPlaced", 1, "c", null, 1);
        OutboxMessage a2 = refused(message("order-a", "OrderPaid", 1, "c", null, 2));
        OutboxMessage a3 = message("order-a", "OrderShipped", 1, "c", null, 3);
        OutboxMessage b1 = message("order-b", "OrderPlaced", 1, "c", null, 4);
        PublishResult result = publisher.publish(List.of(a1, a2, a3, b1));

        assertThat(result.published()).containsOnlyKeys(a1.outboxId(), b1.outboxId());
        assertThat(result.failed()).containsOnlyKeys(a2.outboxId(), a3.outboxId());
        assertThat(receive(2)).extracting(Received::body).containsExactlyInAnyOrder(a1.body(), b1.body());
    }

    @Test
    public void anUnknownDestinationFailsOnlyItsMessages() throws Exception {
        assumeThat(destinationsConfigured()).as("the publisher writes every destination").isTrue();
        OutboxMessage lost = withDestination(message("order-x", "OrderPlaced", 1, "c", null, 1), "no-such-destination");
        OutboxMessage kept = message("order-x", "OrderPlaced", 1, "c", null, 2);
        PublishResult result = publisher.publish(List.of(lost, kept));

        assertThat(result.failed()).containsOnlyKeys(lost.outboxId());
        assertThat(result.failed().get(lost.outboxId())).contains("no-such-destination");
        assertThat(result.published()).containsOnlyKeys(kept.outboxId());
        assertThat(receive(1)).extracting(Received::body).containsExactly(kept.body());
    }

    /**
     * Stream ids, event types and correlation ids come from vendor data and feeds files: whatever
     * characters they hold arrive unchanged, and each stream keeps one ordering key of its own.
     */
    @Test
    public void hostileValuesArriveUnchangedAndEachStreamKeepsItsOwnOrderingKey() throws Exception {
        List<String> hostile = List.of(
                "with space", "quote\" and 'apostrophe'", "new\nline\ttab\rreturn", "caf\u00e9 \u65e5\u672c\u8a9e \uD83D\uDE80",
                "%20+&=?#/\\;,", "<xml attr=\"1\">&amp;</xml>", "{\"json\":[1,2]}", "x".repeat(300), "plain-ascii.1:2");
        List<OutboxMessage> batch = new ArrayList<>();
        for (int i = 0; i < hostile.size(); i++) {
            String value = hostile.get(i);
            batch.add(message(value, "Type " + value, 3, value, null, i));
        }
        PublishResult result = publisher.publish(batch);

        assertThat(result.failed()).isEmpty();
        assertThat(result.published()).containsOnlyKeys(ids(batch));
        Map<String, Received> byBody = byBody(receive(batch.size()));
        Map<String, String> keyByStream = new HashMap<>();
        for (OutboxMessage m : batch) {
            Received got = byBody.get(m.body());
            assertThat(got).as("message %d arrived", m.outboxId()).isNotNull();
            assertAttributes(m, got);
            if (ordered()) keyByStream.put(m.streamId(), got.orderingKey());
        }
        if (ordered()) {
            assertThat(keyByStream.values()).as("one ordering key per stream").doesNotContainNull().doesNotHaveDuplicates();
            assertThat(keyByStream.get("plain-ascii.1:2")).as("a plain stream id is its own key").isEqualTo("plain-ascii.1:2");
        }
    }

    @Test
    public void aStreamsOrderIsKeptWithinABatch() throws Exception {
        assumeThat(ordered()).as("the destination keeps no order").isTrue();
        List<OutboxMessage> batch = new ArrayList<>();
        for (int seq = 0; seq < 8; seq++) {
            for (int stream = 0; stream < 4; stream++) {
                batch.add(message("order-" + stream, "OrderChanged", 1, "c", null, seq));
            }
        }
        PublishResult result = publisher.publish(batch);

        assertThat(result.failed()).isEmpty();
        Map<String, String> streamOfBody = batch.stream().collect(Collectors.toMap(OutboxMessage::body, OutboxMessage::streamId));
        Map<String, List<String>> arrived = new LinkedHashMap<>();
        for (Received r : receive(batch.size())) {
            arrived.computeIfAbsent(streamOfBody.get(r.body()), s -> new ArrayList<>()).add(r.body());
        }
        Map<String, List<String>> sent = new LinkedHashMap<>();
        for (OutboxMessage m : batch) sent.computeIfAbsent(m.streamId(), s -> new ArrayList<>()).add(m.body());
        assertThat(arrived).isEqualTo(sent);
    }

    private static void assertAttributes(OutboxMessage m, Received got) {
        String what = "attributes of " + m.outboxId();
        assertThat(got.attributes()).as(what).containsEntry("eventType", m.eventType())
                .containsEntry("schemaVersion", Integer.toString(m.schemaVersion()));
        if (m.correlationId() == null) {
            assertThat(got.attributes()).as(what).doesNotContainKey("correlationId");
        } else {
            assertThat(got.attributes()).as(what).containsEntry("correlationId", m.correlationId());
        }
        if (m.traceparent() == null) {
            assertThat(got.attributes()).as(what).doesNotContainKey("traceparent");
        } else {
            assertThat(got.attributes()).as(what).containsEntry("traceparent", m.traceparent());
        }
    }

    /**
     * A message to {@link #DESTINATION} with a fresh outbox id and event id; its body is a compact
     * CloudEvent (as the outbox renders them) naming the stream and {@code seq}.
     */
    protected static OutboxMessage message(String stream, String type, int schemaVersion, String correlationId,
                                           String traceparent, int seq) {
        long outboxId = OUTBOX_IDS.incrementAndGet();
        UUID eventId = UUID.randomUUID();
        ObjectNode body = JSON.createObjectNode().put("specversion", "1.0").put("id", eventId.toString())
                .put("source", "inlet/contract").put("type", type).put("subject", stream);
        body.putObject("data").put("seq", seq).put("outboxId", outboxId);
        return new OutboxMessage(outboxId, DESTINATION, eventId, type, schemaVersion, stream, correlationId,
                body.toString(), traceparent);
    }

    protected static OutboxMessage withBody(OutboxMessage m, String body) {
        return new OutboxMessage(m.outboxId(), m.destination(), m.eventId(), m.eventType(), m.schemaVersion(), m.streamId(),
                m.correlationId(), body, m.traceparent());
    }

    private static OutboxMessage withDestination(OutboxMessage m, String destination) {
        return new OutboxMessage(m.outboxId(), destination, m.eventId(), m.eventType(), m.schemaVersion(), m.streamId(),
                m.correlationId(), m.body(), m.traceparent());
    }

    private static List<Long> ids(List<OutboxMessage> batch) {
        return batch.stream().map(OutboxMessage::outboxId).toList();
    }

    private static Map<String, Received> byBody(List<Received> received) {
        return received.stream().collect(Collectors.toMap(Received::body, Function.identity(), (a, b) -> {
            throw new AssertionError("arrived twice: " + a.body());
        }));
    }
}
