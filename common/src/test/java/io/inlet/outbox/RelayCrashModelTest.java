package io.inlet.outbox;

import static io.inlet.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.event.DerivedRoute;
import io.inlet.event.EventEnvelope;
import io.inlet.failure.Deadline;
import io.inlet.store.EventStore;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pipelined relay against a model, seeded: three relays at once, each with its own connections,
 * publish failures, and crashes at random points (before a send, after part of a send was accepted,
 * at any SQL statement of a claim, render or mark, before and after a commit). A crash is an
 * {@link Error} that ends the relay's run the way a killed process ends it: the open transaction is
 * rolled back and the run's sending thread stops; the relay then starts a new run, as the next
 * invocation would. Small slices, two in flight and three per transaction, so that claims overlap
 * sends and transactions span several slices. The model: what the destination accepted, in order,
 * with the broker id it gave each acceptance. Checked at the end: every outbox row was accepted at
 * least once; per (destination, stream) the first acceptances follow outbox order; every row marked
 * published carries a broker id the destination gave that very row; nothing is left unpublished.
 */
class RelayCrashModelTest {

    static final List<DerivedRoute> ROUTES = List.of(
            new DerivedRoute(DerivedRoute.Kind.APPENDED, "orders", List.of(), null),
            new DerivedRoute(DerivedRoute.Kind.APPENDED, "audit", List.of(), null));
    static final int STREAMS = 24, VERSIONS = 6, RELAYS = 3, CRASHES_PER_RELAY = 12;
    static final RelaySettings SETTINGS = new RelaySettings(7, Duration.ZERO, Duration.ZERO, Duration.ofDays(1), 1_000)
            .withPipeline(2, 3);

    /** A simulated process death. */
    static final class Crash extends Error {
        Crash(String where) {
            super("crash " + where, null, false, false);
        }
    }

    /** What the destination accepted: outbox id in acceptance order, and the broker ids it gave each row. */
    static final class Destination {
        final List<Long> accepted = new ArrayList<>();
        final Map<Long, Set<String>> brokerIds = new HashMap<>();
        private long next;

        synchronized String accept(OutboxMessage m) {
            String id = "b-" + (++next);
            accepted.add(m.outboxId());
            brokerIds.computeIfAbsent(m.outboxId(), k -> new HashSet<>()).add(id);
            return id;
        }
    }

    /** One relay's crash decisions, seeded; at most {@link #CRASHES_PER_RELAY} so the outbox drains. */
    static final class Faults {
        final Random random;
        int crashes;

        Faults(long seed) {
            random = new Random(seed);
        }

        synchronized boolean chance(double p) {
            return random.nextDouble() < p;
        }

        synchronized void maybeCrash(double p, String where) {
            if (crashes < CRASHES_PER_RELAY && random.nextDouble() < p) {
                crashes++;
                throw new Crash(where);
            }
        }
    }

    /** A broker that keeps each stream's order in a call (contract), fails a share, and crashes. */
    static final class FaultyPublisher implements EventPublisher {
        final Destination destination;
        final Faults faults;

        FaultyPublisher(Destination destination, Faults faults) {
            this.destination = destination;
            this.faults = faults;
        }

        @Override
        public PublishResult publish(List<OutboxMessage> batch) {
            faults.maybeCrash(0.04, "before a send");
            int crashAfter = faults.chance(0.05) ? faults.random.nextInt(batch.size() + 1) : -1;
            Map<Long, String> ok = new LinkedHashMap<>(), bad = new LinkedHashMap<>();
            Set<String> failedStreams = new HashSet<>();
            for (int i = 0; i < batch.size(); i++) {
                if (i == crashAfter) faults.maybeCrash(1.0, "after " + i + " accepted messages of a send");
                OutboxMessage m = batch.get(i);
                String group = m.destination() + "/" + m.streamId();
                if (failedStreams.contains(group) || faults.chance(0.08)) {
                    failedStreams.add(group);
                    bad.put(m.outboxId(), "throttled");
                } else {
                    ok.put(m.outboxId(), destination.accept(m));
                }
            }
            return new PublishResult(ok, bad);
        }
    }

    /** Connections whose statements and commits crash now and then (before, or after the commit went through). */
    static final class CrashingDataSource extends io.inlet.testing.DelegatingDataSource {
        final Faults faults;

        CrashingDataSource(DataSource target, Faults faults) {
            super(target);
            this.faults = faults;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection real = this.real.getConnection();
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (p, m, args) -> {
                if (m.getName().equals("commit")) faults.maybeCrash(0.04, "before a commit");
                Object result = invoke(real, m, args);
                if (m.getName().equals("commit")) faults.maybeCrash(0.04, "after a commit");
                if (result instanceof PreparedStatement ps) {
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class}, (q, sm, sargs) -> {
                        if (sm.getName().startsWith("execute")) faults.maybeCrash(0.01, "at a statement");
                        return invoke(ps, sm, sargs);
                    });
                }
                return result;
            });
        }

        private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void relaysCrashingAtRandomPointsPublishEveryRowInStreamOrderAndMarkOnlyWhatWasAccepted(long seed) throws Exception {
        DataSource ds = TestDatabase.fresh("order_events");
        Transactions tx = new Transactions(ds);
        for (int from = 1; from <= VERSIONS; from += 2) { // versions in several transactions, streams interleaved
            List<EventEnvelope> events = new ArrayList<>();
            for (int v = from; v < from + 2; v++) {
                for (int s = 0; s < STREAMS; s++) events.add(event("s" + s + "-v" + v, "stream-" + s, "OrderPlaced", "{\"v\":" + v + "}"));
            }
            tx.inTransaction(c -> new EventStore().append(c, "order_events", events, ROUTES));
        }
        Destination destination = new Destination();
        List<Faults> faults = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(RELAYS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> relays = new ArrayList<>();
        for (int i = 0; i < RELAYS; i++) {
            Faults f = new Faults(seed * 1_000 + i);
            faults.add(f);
            relays.add(pool.submit(() -> {
                OutboxRelay relay = new OutboxRelay(new Transactions(new CrashingDataSource(ds, f)), SETTINGS);
                FaultyPublisher publisher = new FaultyPublisher(destination, f);
                start.await();
                for (int run = 1; run <= 2_000; run++) {
                    try {
                        relay.run(publisher, Deadline.none());
                    } catch (Crash crashed) {
                        continue; // the process died; the next invocation starts a new run
                    }
                    if (unfinished(ds) == 0) return run;
                }
                throw new AssertionError("outbox not drained after 2000 runs");
            }));
        }
        start.countDown();
        for (Future<Integer> r : relays) r.get(4, TimeUnit.MINUTES);
        pool.shutdown();

        assertThat(faults.stream().mapToInt(f -> f.crashes).sum()).as("crashes happened").isGreaterThan(RELAYS);
        Map<Long, long[]> rows = rows(ds); // outbox id -> {stream number, version, destination 0/1}
        Map<Long, String> brokerIdOf = brokerIds(ds);
        List<Long> accepted;
        synchronized (destination) {
            accepted = List.copyOf(destination.accepted);
        }
        assertThat(Set.copyOf(accepted)).as("every outbox row accepted at least once").containsAll(rows.keySet());
        Map<String, Long> lastFirst = new HashMap<>();
        Set<Long> seen = new HashSet<>();
        for (long id : accepted) {
            if (!seen.add(id)) continue; // a republication after a crash: only first publications keep order
            long[] r = rows.get(id);
            Long before = lastFirst.put(r[2] + "/" + r[0], id);
            assertThat(id).as("destination %d stream %d: row %d first published after row %s", r[2], r[0], id, before)
                    .isGreaterThan(before == null ? 0 : before);
        }
        assertThat(brokerIdOf).as("no row left unpublished").hasSize(rows.size());
        brokerIdOf.forEach((id, brokerId) -> assertThat(destination.brokerIds.get(id))
                .as("row %d is marked published with %s: the destination accepted it so", id, brokerId).contains(brokerId));
        assertThat(rowsOfCheck(ds, "09-outbox-streams-in-order")).isZero();
    }

    static long unfinished(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM outbox WHERE published_at IS NULL AND released_at IS NULL")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static Map<Long, long[]> rows(DataSource ds) throws SQLException {
        Map<Long, long[]> out = new HashMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT outbox_id, stream_id, destination FROM outbox")) {
            while (rs.next()) {
                out.put(rs.getLong(1), new long[] {Long.parseLong(rs.getString(2).substring("stream-".length())), 0,
                        rs.getString(3).equals("orders") ? 0 : 1});
            }
        }
        return out;
    }

    static Map<Long, String> brokerIds(DataSource ds) throws SQLException {
        Map<Long, String> out = new HashMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT outbox_id, broker_message_id FROM outbox WHERE published_at IS NOT NULL")) {
            while (rs.next()) out.put(rs.getLong(1), rs.getString(2));
        }
        return out;
    }

    /** Rows the invariant check of `inlet verify` returns (none when it holds). */
    static long rowsOfCheck(DataSource ds, String check) throws Exception {
        String sql;
        try (var in = RelayCrashModelTest.class.getResourceAsStream("/verify/" + check + ".sql")) {
            sql = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM (" + sql.lines().filter(l -> !l.startsWith("--")).collect(
                        java.util.stream.Collectors.joining("\n")) + ") v")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
