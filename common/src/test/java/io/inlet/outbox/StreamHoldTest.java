package io.inlet.outbox;

import static io.inlet.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A failed row holds the later rows of its (destination, stream) until it is published or released:
 * across claims, relay runs and retries; a poison row becomes BLOCKED after the attempt limit and
 * keeps holding its stream.
 */
class StreamHoldTest {

    static final List<DerivedRoute> ROUTES = List.of(new DerivedRoute(DerivedRoute.Kind.APPENDED, "orders", List.of(), null));

    DataSource ds;
    Transactions tx;
    /** event id -> (stream, version), the order each stream must reach the broker in. */
    final Map<UUID, String> streamOf = new HashMap<>();
    final Map<UUID, Integer> versionOf = new HashMap<>();

    @BeforeEach
    void database() {
        ds = TestDatabase.fresh("order_events");
        tx = new Transactions(ds);
    }

    void append(int streams, int perStream) {
        List<EventEnvelope> events = new ArrayList<>();
        for (int v = 1; v <= perStream; v++) {
            for (int s = 0; s < streams; s++) {
                EventEnvelope e = event("s" + s + "-v" + v, "stream-" + s, "OrderPlaced", "{\"v\":" + v + "}");
                streamOf.put(e.eventId(), e.streamId());
                versionOf.put(e.eventId(), v);
                events.add(e);
            }
        }
        tx.inTransaction(c -> new EventStore().append(c, "order_events", events, ROUTES));
    }

    /** A broker that fails the messages a predicate picks, and honours the contract: a stream's later messages of the call fail too. */
    static final class Broker implements EventPublisher {
        final List<OutboxMessage> accepted = new ArrayList<>();
        Predicate<OutboxMessage> fails = m -> false;

        @Override
        public synchronized PublishResult publish(List<OutboxMessage> batch) {
            Map<Long, String> ok = new LinkedHashMap<>(), bad = new LinkedHashMap<>();
            Set<String> failedStreams = new HashSet<>();
            for (OutboxMessage m : batch) {
                if (failedStreams.contains(m.streamId()) || fails.test(m)) {
                    failedStreams.add(m.streamId());
                    bad.put(m.outboxId(), "throttled");
                } else {
                    accepted.add(m);
                    ok.put(m.outboxId(), "msg-" + m.outboxId());
                }
            }
            return new PublishResult(ok, bad);
        }
    }

    void assertEachStreamInVersionOrder(List<OutboxMessage> accepted) {
        Map<String, Integer> last = new HashMap<>();
        for (OutboxMessage m : accepted) {
            int v = versionOf.get(m.eventId());
            Integer before = last.put(m.streamId(), v);
            assertThat(v).as("%s version %d published after version %s", m.streamId(), v, before)
                    .isGreaterThan(before == null ? 0 : before);
        }
    }

    @Test
    void aFailedRowHoldsTheLaterRowsOfItsStreamAcrossClaimsAndRuns() {
        append(3, 4);
        Broker broker = new Broker();
        UUID poisonOnce = io.inlet.testing.Events.uuid("s1-v2");
        Set<UUID> failedOnce = new HashSet<>();
        broker.fails = m -> m.eventId().equals(poisonOnce) && failedOnce.add(m.eventId());
        RelaySettings smallBatches = new RelaySettings(2, Duration.ZERO, Duration.ZERO, Duration.ofDays(1));
        new OutboxRelay(tx, smallBatches).run(broker, Deadline.none());
        new OutboxRelay(tx, smallBatches).run(broker, Deadline.none());
        new OutboxRelay(tx, smallBatches).run(broker, Deadline.none());

        assertEachStreamInVersionOrder(broker.accepted);
        assertThat(broker.accepted).extracting(OutboxMessage::eventId).doesNotHaveDuplicates().hasSize(12);
    }

    @Test
    void aBackedOffRowKeepsItsStreamWaitingWhileOtherStreamsFlow() throws Exception {
        append(3, 3);
        Broker broker = new Broker();
        UUID poison = io.inlet.testing.Events.uuid("s0-v1");
        broker.fails = m -> m.eventId().equals(poison);
        RelaySettings oneHourBackoff = new RelaySettings(2, Duration.ofHours(1), Duration.ofHours(1), Duration.ofDays(1));
        new OutboxRelay(tx, oneHourBackoff).run(broker, Deadline.none());
        new OutboxRelay(tx, oneHourBackoff).run(broker, Deadline.none());

        assertThat(broker.accepted).extracting(OutboxMessage::streamId).doesNotContain("stream-0").hasSize(6);
        assertThat(count("SELECT count(*) FROM outbox WHERE published_at IS NULL AND stream_id = 'stream-0'")).isEqualTo(3);
        assertThat(count("SELECT attempts FROM outbox WHERE event_id = '" + poison + "'")).isEqualTo(1);
        assertThat(count("SELECT max(attempts) FROM outbox WHERE event_id <> '" + poison + "'"))
                .as("rows held behind a failed one were not attempted").isLessThanOrEqualTo(1);

        broker.fails = m -> false;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            // the hour of backoff passes (for the failed row and the rows deferred behind it)
            s.execute("UPDATE outbox SET available_at = now() - interval '1 second' WHERE stream_id = 'stream-0'");
        }
        new OutboxRelay(tx, oneHourBackoff).run(broker, Deadline.none());
        assertEachStreamInVersionOrder(broker.accepted);
        assertThat(broker.accepted).hasSize(9);
    }

    @Test
    void aPoisonRowIsBlockedAfterTheAttemptLimitAndKeepsHoldingItsStream() throws Exception {
        append(2, 3);
        Broker broker = new Broker();
        UUID poison = io.inlet.testing.Events.uuid("s0-v2");
        broker.fails = m -> m.eventId().equals(poison);
        RelaySettings threeAttempts = new RelaySettings(10, Duration.ZERO, Duration.ZERO, Duration.ofDays(1), 3);
        RelayReport last = null;
        for (int run = 0; run < 5; run++) last = new OutboxRelay(tx, threeAttempts).run(broker, Deadline.none());

        assertThat(count("SELECT attempts FROM outbox WHERE event_id = '" + poison + "'")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM outbox WHERE blocked_at IS NOT NULL")).isEqualTo(1);
        assertThat(broker.accepted).extracting(m -> versionOf.get(m.eventId()) + "@" + m.streamId())
                .containsExactlyInAnyOrder("1@stream-0", "1@stream-1", "2@stream-1", "3@stream-1");
        assertThat(last.blocked()).isEqualTo(1);
        assertThat(last.pending()).isEqualTo(2);
    }

    long blockPoison(Broker broker, UUID poison) throws Exception {
        broker.fails = m -> m.eventId().equals(poison);
        RelaySettings twoAttempts = new RelaySettings(10, Duration.ZERO, Duration.ZERO, Duration.ofDays(1), 2);
        for (int run = 0; run < 3; run++) new OutboxRelay(tx, twoAttempts).run(broker, Deadline.none());
        return count("SELECT outbox_id FROM outbox WHERE event_id = '" + poison + "'");
    }

    @Test
    void retryingABlockedRowSendsItAgainAndThenTheRowsBehindItInOrder() throws Exception {
        append(2, 3);
        Broker broker = new Broker();
        UUID poison = io.inlet.testing.Events.uuid("s0-v1");
        long id = blockPoison(broker, poison);
        assertThat(broker.accepted).extracting(OutboxMessage::streamId).containsOnly("stream-1");

        broker.fails = m -> false; // the destination is fixed
        OutboxOperations.Intervention i = tx.inTransaction(c -> new OutboxOperations().retry(c, id, "alice", "queue policy fixed"));
        assertThat(i.stateBefore()).isEqualTo(OutboxOperations.RowState.BLOCKED);
        new OutboxRelay(tx, RelaySettings.DEFAULTS).run(broker, Deadline.none());

        assertThat(broker.accepted).hasSize(6);
        assertEachStreamInVersionOrder(broker.accepted);
        assertThat(count("SELECT count(*) FROM outbox_interventions WHERE outbox_id = " + id
                + " AND action = 'RETRY' AND actor = 'alice' AND reason = 'queue policy fixed' AND attempts = 2"
                + " AND last_error = 'throttled' AND database_user IS NOT NULL AND at IS NOT NULL")).isEqualTo(1);
    }

    @Test
    void releasingABlockedRowLetsItsStreamMoveOnWithoutPublishingIt() throws Exception {
        append(2, 3);
        Broker broker = new Broker();
        UUID poison = io.inlet.testing.Events.uuid("s0-v2");
        long id = blockPoison(broker, poison);

        tx.inTransaction(c -> new OutboxOperations().release(c, id, "bob", "payload rejected by the consumer's schema"));
        broker.fails = m -> false;
        RelayReport r = new OutboxRelay(tx, RelaySettings.DEFAULTS).run(broker, Deadline.none());

        assertThat(broker.accepted).extracting(OutboxMessage::eventId).doesNotContain(poison).hasSize(5);
        assertEachStreamInVersionOrder(broker.accepted);
        assertThat(r.pending()).isZero();
        assertThat(r.blocked()).isZero();
        assertThat(count("SELECT count(*) FROM outbox WHERE outbox_id = " + id
                + " AND released_at IS NOT NULL AND published_at IS NULL AND last_error = 'throttled'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outbox_interventions WHERE action = 'RELEASE' AND actor = 'bob'")).isEqualTo(1);
    }

    @Test
    void onlyABlockedRowCanBeReleasedAndOnlyAnUnfinishedOneRetried() throws Exception {
        append(1, 2);
        Broker broker = new Broker();
        new OutboxRelay(tx, RelaySettings.DEFAULTS).run(broker, Deadline.none());
        long published = count("SELECT min(outbox_id) FROM outbox");
        OutboxOperations ops = new OutboxOperations();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tx.inTransaction(c -> ops.release(c, published, "a", "r")))
                .isInstanceOf(OutboxOperations.RowStateException.class).hasMessageContaining("is PUBLISHED");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tx.inTransaction(c -> ops.retry(c, published, "a", "r")))
                .isInstanceOf(OutboxOperations.RowStateException.class).hasMessageContaining("is PUBLISHED");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tx.inTransaction(c -> ops.retry(c, 999_999, "a", "r")))
                .isInstanceOf(OutboxOperations.RowStateException.class).hasMessageContaining("no outbox row 999999");
        assertThat(count("SELECT count(*) FROM outbox_interventions")).isZero();
    }

    @Test
    void aClaimWhileASliceIsInFlightTakesNoRowOfItsStreamsUntilThatSliceIsMarked() throws Exception {
        append(4, 3);
        OutboxStore store = new OutboxStore();
        io.inlet.event.CloudEventWriter writer = new io.inlet.event.CloudEventWriter();
        tx.inTransaction(c -> {
            java.sql.Timestamp due = store.now(c);
            // slice 1: the heads of two streams
            OutboxStore.Claim first = store.claimDue(c, 2, due, Duration.ofMinutes(15), writer, DestinationVersions.NONE, Set.of());
            Set<String> firstStreams = new HashSet<>();
            Set<Long> inFlight = new HashSet<>();
            first.messages().forEach(m -> {
                firstStreams.add(m.streamId());
                inFlight.add(m.outboxId());
            });
            // slice 2, claimed in the same transaction while slice 1 is being sent
            OutboxStore.Claim second = store.claimDue(c, 12, due, Duration.ofMinutes(15), writer, DestinationVersions.NONE, inFlight);
            assertThat(second.messages()).extracting(OutboxMessage::streamId).doesNotContainAnyElementsOf(firstStreams);
            assertThat(second.messages()).extracting(OutboxMessage::outboxId).doesNotContainAnyElementsOf(inFlight);
            assertThat(first.messages().size() + second.messages().size()).isEqualTo(12 - remainingOf(first, firstStreams));

            // slice 1 answered: its first row failed (backing off), the rest of it published
            OutboxMessage failed = first.messages().get(0);
            Map<Long, String> published = new LinkedHashMap<>();
            first.messages().stream().filter(m -> !m.streamId().equals(failed.streamId()))
                    .forEach(m -> published.put(m.outboxId(), "msg-" + m.outboxId()));
            store.markPublished(c, published);
            store.markFailed(c, Map.of(failed.outboxId(), "throttled"), Duration.ofHours(1), Duration.ofHours(1));
            Set<Long> stillInFlight = new HashSet<>();
            second.messages().forEach(m -> stillInFlight.add(m.outboxId()));
            OutboxStore.Claim third = store.claimDue(c, 12, due, Duration.ofMinutes(15), writer, DestinationVersions.NONE, stillInFlight);
            assertThat(third.messages()).extracting(OutboxMessage::streamId)
                    .as("the failed row's stream waits; the published stream's next rows go").doesNotContain(failed.streamId())
                    .isNotEmpty();
            c.rollback();
            return null;
        });
    }

    /** Rows of the given streams that slice 1 left for later (behind its rows). */
    private long remainingOf(OutboxStore.Claim first, Set<String> streams) {
        return streams.size() * 3L - first.messages().size();
    }

    @Test
    void aRowFailingInASliceInFlightHoldsItsStreamThoughTheNextSliceWasClaimedMeanwhile() throws Exception {
        append(6, 4);
        Broker broker = new Broker();
        UUID failsTwice = io.inlet.testing.Events.uuid("s2-v2");
        Map<UUID, Integer> failures = new HashMap<>();
        broker.fails = m -> m.eventId().equals(failsTwice) && failures.merge(m.eventId(), 1, Integer::sum) <= 2;
        RelaySettings pipelined = new RelaySettings(3, Duration.ZERO, Duration.ZERO, Duration.ofDays(1)).withPipeline(2, 4);
        for (int run = 0; run < 4; run++) new OutboxRelay(tx, pipelined).run(broker, Deadline.none());

        assertEachStreamInVersionOrder(broker.accepted);
        assertThat(broker.accepted).extracting(OutboxMessage::eventId).doesNotHaveDuplicates().hasSize(24);
        assertThat(count("SELECT attempts FROM outbox WHERE event_id = '" + failsTwice + "'")).isEqualTo(3);
        assertThat(count("SELECT max(attempts) FROM outbox WHERE event_id <> '" + failsTwice + "'"))
                .as("rows held behind the failed one were not attempted").isEqualTo(1);
    }

    long count(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
