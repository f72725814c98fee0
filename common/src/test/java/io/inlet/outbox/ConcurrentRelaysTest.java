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
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * N relays at once, each on its own thread and connection, against the real PostgreSQL: every row
 * published, none twice when nothing fails, each stream in order, and the relays really overlap
 * ({@code SKIP LOCKED}: none waits for another's batch).
 */
class ConcurrentRelaysTest {

    static final List<DerivedRoute> ROUTES = List.of(
            new DerivedRoute(DerivedRoute.Kind.APPENDED, "orders", List.of(), null),
            new DerivedRoute(DerivedRoute.Kind.APPENDED, "audit", List.of(), null));
    static final int STREAMS = 30, VERSIONS = 20, RELAYS = 4;
    static final RelaySettings SETTINGS = new RelaySettings(16, Duration.ZERO, Duration.ZERO, Duration.ofDays(1), 1_000);

    DataSource ds;
    final Map<UUID, Integer> versionOf = new HashMap<>();

    @BeforeEach
    void outboxOfManyStreams() {
        ds = TestDatabase.fresh("order_events");
        Transactions tx = new Transactions(ds);
        // versions arrive in several transactions, interleaving the streams
        for (int from = 1; from <= VERSIONS; from += 5) {
            List<EventEnvelope> events = new ArrayList<>();
            for (int v = from; v < from + 5; v++) {
                for (int s = 0; s < STREAMS; s++) {
                    EventEnvelope e = event("s" + s + "-v" + v, "stream-" + s, "OrderPlaced", "{\"v\":" + v + "}");
                    versionOf.put(e.eventId(), v);
                    events.add(e);
                }
            }
            tx.inTransaction(c -> new EventStore().append(c, "order_events", events, ROUTES));
        }
    }

    /** A shared broker: records what it accepted in acceptance order, fails a seeded share, keeps each stream's order within a call. */
    static final class Broker implements EventPublisher {
        final List<OutboxMessage> accepted = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final Set<String> callers = Collections.synchronizedSet(new HashSet<>());
        final double failureRate;
        final Random random;

        Broker(double failureRate, long seed) {
            this.failureRate = failureRate;
            this.random = new Random(seed);
        }

        @Override
        public PublishResult publish(List<OutboxMessage> batch) {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            callers.add(Thread.currentThread().getName());
            try {
                Map<Long, String> ok = new LinkedHashMap<>(), bad = new LinkedHashMap<>();
                Set<String> failedStreams = new HashSet<>();
                for (OutboxMessage m : batch) {
                    boolean fail;
                    synchronized (random) {
                        fail = random.nextDouble() < failureRate;
                    }
                    String group = m.destination() + "/" + m.streamId();
                    if (failedStreams.contains(group) || fail) {
                        failedStreams.add(group);
                        bad.put(m.outboxId(), "throttled");
                    } else {
                        accepted.add(m);
                        ok.put(m.outboxId(), "msg-" + m.outboxId());
                    }
                    sleep(1); // a network call: gives the other relays time to claim meanwhile
                }
                return new PublishResult(ok, bad);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs {@link #RELAYS} relays at once, each looping until the outbox holds no unfinished row. */
    void relayConcurrently(Broker broker) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(RELAYS, r -> new Thread(r, "relay-" + UUID.randomUUID()));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> relays = new ArrayList<>();
        for (int i = 0; i < RELAYS; i++) {
            relays.add(pool.submit(() -> {
                OutboxRelay relay = new OutboxRelay(new Transactions(ds), SETTINGS); // connections of its own
                start.await();
                for (int run = 0; run < 500; run++) {
                    if (relay.run(broker, Deadline.none()).pending() == 0) return null;
                }
                throw new AssertionError("outbox not drained after 500 runs");
            }));
        }
        start.countDown();
        for (Future<?> f : relays) f.get(3, TimeUnit.MINUTES);
        pool.shutdown();
    }

    void assertEveryStreamInVersionOrderPerDestination(List<OutboxMessage> accepted) {
        Map<String, Integer> last = new HashMap<>();
        for (OutboxMessage m : accepted) {
            int v = versionOf.get(m.eventId());
            Integer before = last.put(m.destination() + "/" + m.streamId(), v);
            assertThat(v).as("%s/%s: version %d reached the broker after version %s", m.destination(), m.streamId(), v, before)
                    .isGreaterThan(before == null ? 0 : before);
        }
    }

    @Test
    void relaysAtOncePublishEveryRowOnceInStreamOrder() throws Exception {
        Broker broker = new Broker(0.0, 1);
        relayConcurrently(broker);

        List<OutboxMessage> accepted = List.copyOf(broker.accepted);
        assertThat(accepted).hasSize(STREAMS * VERSIONS * ROUTES.size());
        assertThat(accepted).extracting(m -> m.destination() + "/" + m.eventId()).doesNotHaveDuplicates();
        assertEveryStreamInVersionOrderPerDestination(accepted);
        assertThat(count("SELECT count(*) FROM outbox WHERE published_at IS NULL")).isZero();
        assertThat(broker.maxInFlight.get()).as("relays published at the same time (none waited for another's batch)")
                .isGreaterThanOrEqualTo(2);
        assertThat(broker.callers).as("relays that published").hasSizeGreaterThanOrEqualTo(2);
        assertThat(rowsOfCheck("09-outbox-streams-in-order")).isZero();
    }

    @Test
    void relaysAtOnceWithPublishFailuresKeepEveryStreamInOrderAndLoseNothing() throws Exception {
        Broker broker = new Broker(0.1, 42);
        relayConcurrently(broker);

        List<OutboxMessage> accepted = List.copyOf(broker.accepted);
        assertThat(accepted).extracting(m -> m.destination() + "/" + m.eventId()).doesNotHaveDuplicates()
                .hasSize(STREAMS * VERSIONS * ROUTES.size());
        assertEveryStreamInVersionOrderPerDestination(accepted);
        assertThat(count("SELECT count(*) FROM outbox WHERE published_at IS NULL")).isZero();
        assertThat(rowsOfCheck("09-outbox-streams-in-order")).isZero();
    }

    /** Rows the invariant check of `inlet verify` returns (none when it holds). */
    long rowsOfCheck(String check) throws Exception {
        String sql;
        try (var in = getClass().getResourceAsStream("/verify/" + check + ".sql")) {
            sql = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        return count("SELECT count(*) FROM (" + sql.lines().filter(l -> !l.startsWith("--")).collect(
                java.util.stream.Collectors.joining("\n")) + ") v");
    }

    long count(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
