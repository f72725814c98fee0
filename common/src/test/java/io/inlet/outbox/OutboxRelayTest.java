package io.inlet.outbox;

import static io.inlet.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.event.EventEnvelope;
import io.inlet.event.DerivedRoute;
import io.inlet.failure.Deadline;
import io.inlet.store.EventStore;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OutboxRelayTest {

    static final List<DerivedRoute> ROUTES = List.of(new DerivedRoute(DerivedRoute.Kind.APPENDED, "orders", List.of(), null));
    static final RelaySettings FAST = new RelaySettings(10, Duration.ZERO, Duration.ZERO, Duration.ofDays(1));

    DataSource ds;
    Transactions tx;

    @BeforeEach
    void database() {
        ds = TestDatabase.fresh("order_events");
        tx = new Transactions(ds);
        List<EventEnvelope> events = new ArrayList<>();
        for (int i = 0; i < 35; i++) events.add(event("e" + i, "order-" + (i % 3), "OrderPlaced", "{\"i\":" + i + "}"));
        tx.inTransaction(c -> new EventStore().append(c, "order_events", events, ROUTES));
    }

    /** A broker stand-in that records what it accepted; its failure modes are set per test. */
    static class RecordingPublisher implements EventPublisher {
        final List<OutboxMessage> accepted = new ArrayList<>();
        int failFromCall = Integer.MAX_VALUE, acceptBeforeFailure = 0, calls = 0;
        boolean throwInstead;

        @Override
        public PublishResult publish(List<OutboxMessage> batch) {
            calls++;
            Map<Long, String> ok = new HashMap<>(), bad = new HashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                OutboxMessage m = batch.get(i);
                if (calls >= failFromCall && i >= acceptBeforeFailure) {
                    if (throwInstead) throw new IllegalStateException("broker connection reset");
                    bad.put(m.outboxId(), "throttled");
                } else {
                    accepted.add(m);
                    ok.put(m.outboxId(), "msg-" + m.outboxId());
                }
            }
            return new PublishResult(ok, bad);
        }
    }

    @Test
    void publishesEveryRowOnceAsACloudEventAndMarksIt() throws Exception {
        RecordingPublisher p = new RecordingPublisher();
        RelayReport r = new OutboxRelay(tx, FAST).run(p, Deadline.none());
        assertThat(r.published()).isEqualTo(35);
        assertThat(r.pending()).isZero();
        assertThat(p.accepted).extracting(OutboxMessage::eventId).doesNotHaveDuplicates().hasSize(35);
        OutboxMessage first = p.accepted.get(0);
        JsonNode ce = new ObjectMapper().readTree(first.body());
        assertThat(ce.get("specversion").asText()).isEqualTo("1.0");
        assertThat(ce.get("id").asText()).isEqualTo(first.eventId().toString());
        assertThat(ce.get("type").asText()).isEqualTo("OrderPlaced");
        assertThat(ce.get("subject").asText()).isEqualTo(first.streamId());
        assertThat(ce.get("source").asText()).isEqualTo("urn:inlet:order_events");
        assertThat(ce.get("schemaversion").asInt()).isEqualTo(1);
        assertThat(ce.get("correlationid").asText()).isEqualTo("corr-1");
        assertThat(ce.get("data").get("i").asInt()).isEqualTo(0);
        assertThat(count("SELECT count(*) FROM outbox WHERE published_at IS NULL OR broker_message_id IS NULL")).isZero();
    }

    @Test
    void aPublisherFailingMidBatchLosesNothingAndRetriesOnlyTheFailed() throws Exception {
        RecordingPublisher p = new RecordingPublisher();
        p.failFromCall = 2;
        p.acceptBeforeFailure = 4;
        RelayReport r1 = new OutboxRelay(tx, FAST).run(p, Deadline.none());
        // from the second call on, messages after the fourth fail: their streams wait behind their first failed row
        assertThat(r1.published()).isBetween(14L, 34L);
        assertThat(r1.failed()).isPositive();
        p.failFromCall = Integer.MAX_VALUE;
        new OutboxRelay(tx, FAST).run(p, Deadline.none());
        assertThat(p.accepted).extracting(OutboxMessage::eventId).doesNotHaveDuplicates().hasSize(35);
        assertThat(count("SELECT count(*) FROM outbox WHERE published_at IS NULL")).isZero();
        // only the first failed row of each stream was attempted and failed; the rows behind it waited
        assertThat(count("SELECT count(*) FROM outbox WHERE attempts = 2")).isBetween(1L, 3L);
        assertThat(count("SELECT count(*) FROM outbox WHERE attempts > 2")).isZero();
    }

    @Test
    void aPublisherThatThrowsRepublishesAtMostTheBatchInFlight() throws Exception {
        RecordingPublisher p = new RecordingPublisher();
        p.failFromCall = 2;
        p.acceptBeforeFailure = 3; // the broker took 3 messages, then the connection broke
        p.throwInstead = true;
        new OutboxRelay(tx, FAST).run(p, Deadline.none());
        p.failFromCall = Integer.MAX_VALUE;
        new OutboxRelay(tx, FAST).run(p, Deadline.none());
        List<UUID> ids = p.accepted.stream().map(OutboxMessage::eventId).toList();
        assertThat(ids.stream().distinct().count()).isEqualTo(35);
        assertThat(ids.size() - 35).isBetween(0, 10);
        assertThat(count("SELECT count(*) FROM outbox WHERE published_at IS NULL")).isZero();
    }

    @Test
    void publishedRowsPastRetentionArePurgedAndPendingOnesNever() throws Exception {
        RecordingPublisher p = new RecordingPublisher();
        p.failFromCall = 4; // 30 published, 5 left failing
        new OutboxRelay(tx, FAST).run(p, Deadline.none());
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE outbox SET published_at = now() - interval '8 days' WHERE published_at IS NOT NULL");
        }
        new OutboxRelay(tx, new RelaySettings(10, Duration.ofHours(1), Duration.ofHours(1), Duration.ofDays(7)))
                .run(new RecordingPublisher() {
                    { failFromCall = 1; }
                }, Deadline.none());
        assertThat(count("SELECT count(*) FROM outbox")).isEqualTo(5);
        assertThat(count("SELECT count(*) FROM outbox WHERE published_at IS NULL")).isEqualTo(5);
    }

    long count(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
