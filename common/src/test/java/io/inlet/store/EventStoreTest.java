package io.inlet.store;

import static io.inlet.testing.Events.event;
import static io.inlet.testing.Events.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.event.EventEnvelope;
import io.inlet.event.DerivedRoute;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventStoreTest {

    DataSource ds;
    Transactions tx;
    final EventStore store = new EventStore();
    static final List<DerivedRoute> NO_ROUTES = List.of();

    @BeforeEach
    void database() {
        ds = TestDatabase.fresh("order_events");
        tx = new Transactions(ds);
    }

    AppendOutcome append(List<EventEnvelope> events, List<DerivedRoute> routes) {
        return tx.inTransaction(c -> store.append(c, "order_events", events, routes));
    }

    @Test
    void newEventsGetGaplessVersionsPerStreamInBatchOrder() throws SQLException {
        AppendOutcome out = append(List.of(
                event("a1", "order-a", "OrderPlaced", "{\"n\":1}"),
                event("b1", "order-b", "OrderPlaced", "{\"n\":2}"),
                event("a2", "order-a", "OrderShipped", "{\"n\":3}")), NO_ROUTES);
        assertThat(out.outcomes()).containsExactly(EventOutcome.APPENDED, EventOutcome.APPENDED, EventOutcome.APPENDED);
        append(List.of(event("a3", "order-a", "OrderDelivered", "{\"n\":4}")), NO_ROUTES);
        assertThat(rows("SELECT stream_id || ':' || stream_version || ':' || event_type FROM order_events ORDER BY position"))
                .containsExactly("order-a:1:OrderPlaced", "order-b:1:OrderPlaced", "order-a:2:OrderShipped",
                        "order-a:3:OrderDelivered");
    }

    @Test
    void redeliveredBatchAppendsNothing() throws SQLException {
        List<EventEnvelope> batch = List.of(event("a1", "order-a", "OrderPlaced", "{\"n\":1}"),
                event("a2", "order-a", "OrderPlaced", "{\"n\":2}"));
        append(batch, NO_ROUTES);
        AppendOutcome again = append(batch, NO_ROUTES);
        assertThat(again.outcomes()).containsExactly(EventOutcome.DUPLICATE, EventOutcome.DUPLICATE);
        assertThat(rows("SELECT count(*)::text FROM order_events")).containsExactly("2");
        assertThat(rows("SELECT max(stream_version)::text FROM order_events WHERE stream_id = 'order-a'")).containsExactly("2");
    }

    @Test
    void sameIdWithDifferentPayloadIsAConflictAndNothingIsWritten() throws SQLException {
        append(List.of(event("a1", "order-a", "OrderPlaced", "{\"amount\":10}")), NO_ROUTES);
        AppendOutcome out = append(List.of(event("a1", "order-a", "OrderPlaced", "{\"amount\":11}"),
                event("a1b", "order-a", "OrderPlaced", "{\"amount\":12}")), NO_ROUTES);
        assertThat(out.outcomes()).containsExactly(EventOutcome.CONFLICT, EventOutcome.APPENDED);
        assertThat(rows("SELECT payload->>'amount' FROM order_events WHERE event_id = '" + uuid("a1") + "'"))
                .containsExactly("10");
    }

    @Test
    void payloadEqualityIgnoresKeyOrderAndWhitespace() {
        append(List.of(event("a1", "order-a", "OrderPlaced", "{\"a\":1,\"b\":2}")), NO_ROUTES);
        assertThat(append(List.of(event("a1", "order-a", "OrderPlaced", "{ \"b\": 2, \"a\": 1 }")), NO_ROUTES).outcomes())
                .containsExactly(EventOutcome.DUPLICATE);
    }

    @Test
    void anIdRepeatedWithinABatchIsAppendedOnce() throws SQLException {
        AppendOutcome out = append(List.of(
                event("x", "order-x", "OrderPlaced", "{\"v\":1}"),
                event("x", "order-x", "OrderPlaced", "{\"v\":1}"),
                event("x", "order-x", "OrderPlaced", "{\"v\":2}")), NO_ROUTES);
        assertThat(out.outcomes()).containsExactly(EventOutcome.APPENDED, EventOutcome.DUPLICATE, EventOutcome.CONFLICT);
        assertThat(rows("SELECT stream_version::text FROM order_events")).containsExactly("1");
    }

    @Test
    void outboxRowsExistExactlyForAppendedEventsPerRoute() throws SQLException {
        List<DerivedRoute> routes = List.of(
                new DerivedRoute(DerivedRoute.Kind.APPENDED, "orders", List.of(), null),
                new DerivedRoute(DerivedRoute.Kind.MAPPED, "crm", List.of("OrderPlaced"), "OrderReceived"),
                new DerivedRoute(DerivedRoute.Kind.SUMMARY, "ops", List.of(), null));
        append(List.of(event("p1", "order-1", "OrderPlaced", "{}"), event("s1", "order-1", "OrderShipped", "{}")), routes);
        append(List.of(event("p1", "order-1", "OrderPlaced", "{}"), event("p2", "order-2", "OrderPlaced", "{}")), routes);
        assertThat(rows("SELECT destination || ':' || event_type || ':' || stream_id FROM outbox ORDER BY outbox_id"))
                .containsExactly("orders:OrderPlaced:order-1", "crm:OrderReceived:order-1", "orders:OrderShipped:order-1",
                        "orders:OrderPlaced:order-2", "crm:OrderReceived:order-2");
        assertThat(rows("SELECT count(*)::text FROM outbox o WHERE NOT EXISTS "
                + "(SELECT 1 FROM order_events e WHERE e.event_id = o.event_id)")).containsExactly("0");
    }

    /** The batch writer {@code w} appends as its {@code b}-th. */
    @FunctionalInterface
    interface BatchOf {
        List<EventEnvelope> batch(int writer, int b);
    }

    /** Runs {@code writers} threads, each appending {@code batches} batches; returns the events appended in all. */
    long appendConcurrently(int writers, int batches, BatchOf batchOf) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(pool.submit((Callable<Long>) () -> {
                    long appended = 0;
                    for (int b = 0; b < batches; b++) appended += append(batchOf.batch(writer, b), NO_ROUTES).appended();
                    return appended;
                }));
            }
            long total = 0;
            for (Future<Long> f : futures) total += f.get(180, TimeUnit.SECONDS);
            return total;
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void concurrentAppendsToOneStreamAllSucceedWithDistinctVersions() throws Exception {
        int writers = 4, batches = 25, perBatch = 8;
        long total = appendConcurrently(writers, batches, (writer, b) -> {
            List<EventEnvelope> batch = new ArrayList<>();
            for (int i = 0; i < perBatch; i++) {
                // two streams in opposite orders per writer: locks taken in key order must avoid deadlock
                String stream = (writer + i) % 2 == 0 ? "order-hot" : "order-warm";
                batch.add(event("w" + writer + "b" + b + "i" + i, stream, "OrderTouched", "{\"i\":" + i + "}"));
            }
            return batch;
        });
        assertThat(total).isEqualTo((long) writers * batches * perBatch);
        assertThat(rows("SELECT stream_id || ':' || count(*) || ':' || min(stream_version) || ':' || max(stream_version) "
                + "FROM order_events GROUP BY stream_id ORDER BY stream_id"))
                .containsExactly("order-hot:400:1:400", "order-warm:400:1:400");
    }

    @Test
    void anInBatchRepeatComparesPayloadsAsJson() {
        AppendOutcome out = append(List.of(
                event("y", "order-y", "OrderPlaced", "{\"a\":1,\"b\":2}"),
                event("z", "order-y", "OrderPlaced", "{}"),
                event("y", "order-y", "OrderPlaced", "{ \"b\": 2, \"a\": 1 }")), NO_ROUTES);
        assertThat(out.outcomes()).containsExactly(EventOutcome.APPENDED, EventOutcome.APPENDED, EventOutcome.DUPLICATE);
    }

    @Test
    void concurrentWideBatchesOverSharedStreamsTakeTurnsToGaplessVersions() throws Exception {
        // 80 streams per batch: above the per-stream lock limit, so each batch locks the table and
        // the writers take turns (two files of the same customers loading at once)
        int writers = 3, batches = 6, streams = EventStore.LOCKED_STREAMS_MAX + 48;
        long total = appendConcurrently(writers, batches, (writer, b) -> {
            List<EventEnvelope> batch = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                int s = writer % 2 == 0 ? i : streams - 1 - i;
                batch.add(event("w" + writer + "b" + b + "s" + s, "order-" + s, "OrderTouched", "{\"b\":" + b + "}"));
            }
            return batch;
        });
        assertThat(total).isEqualTo((long) writers * batches * streams);
        assertThat(rows("SELECT count(*)::text FROM (SELECT stream_id FROM order_events GROUP BY stream_id "
                + "HAVING count(*) = " + writers * batches + " AND max(stream_version) = " + writers * batches
                + " AND count(DISTINCT stream_version) = " + writers * batches + ") s")).containsExactly(String.valueOf(streams));
    }

    @Test
    void aWriterOutsideTheLocksThatWinsARaceMakesTheBatchRetryWithTheNextVersion() throws Exception {
        append(List.of(event("r1", "order-r", "OrderPlaced", "{}")), NO_ROUTES);
        try (Connection outsider = ds.getConnection()) {
            outsider.setAutoCommit(false);
            try (Statement s = outsider.createStatement()) {
                // version 2 of the stream, inserted but not yet committed by a writer that takes no lock
                s.execute("INSERT INTO order_events (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) "
                        + "VALUES ('" + uuid("outsider") + "', 'order-r', 2, 'OrderPlaced', now(), 'test', '{}')");
            }
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<AppendOutcome> appending = pool.submit(() -> append(List.of(event("r2", "order-r", "OrderPaid", "{}")), NO_ROUTES));
                // the append read max = 1 and now waits on the outsider's uncommitted version 2
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                // the append statement (its INSERT lies past the 1024 characters pg_stat_activity keeps)
                while (rows("SELECT count(*)::text FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        + "AND query LIKE 'WITH input AS%'").get(0).equals("0")) {
                    if (System.nanoTime() > deadline) throw new AssertionError("the append never waited on the outsider");
                    Thread.sleep(20);
                }
                outsider.commit();
                assertThat(appending.get(60, TimeUnit.SECONDS).outcomes()).containsExactly(EventOutcome.APPENDED);
            } finally {
                pool.shutdown();
            }
        }
        assertThat(rows("SELECT stream_version || ' ' || event_type FROM order_events WHERE stream_id = 'order-r' ORDER BY 1"))
                .containsExactly("1 OrderPlaced", "2 OrderPlaced", "3 OrderPaid");
    }

    @Test
    void lockKeysDependOnTableAndStream() {
        assertThat(EventStore.tableKey("order_events")).isEqualTo(EventStore.tableKey("order_events"))
                .isNotEqualTo(EventStore.tableKey("events"));
    }

    /** A wide batch (over 32 streams) of the streams {@code laneOf} puts in {@code lane} of {@code lanes}. */
    static List<EventEnvelope> wideBatchOfLane(String prefix, int lane, int lanes) {
        List<EventEnvelope> batch = new ArrayList<>();
        for (int i = 0; batch.size() < 40; i++) {
            String stream = "order-" + i;
            if (EventStore.laneOf("order_events", stream, lanes) == lane) {
                batch.add(event(prefix + i, stream, "OrderPlaced", "{\"i\":" + i + "}"));
            }
        }
        return batch;
    }

    @Test
    void wideBatchesOfTwoLanesAppendSideBySideWhileAWideBatchOverlappingALaneWaitsForIt() throws Exception {
        try (Connection lane0 = ds.getConnection(); Connection lane1 = ds.getConnection();
             Connection overlapping = ds.getConnection()) {
            lane0.setAutoCommit(false);
            store.append(lane0, "order_events", wideBatchOfLane("a", 0, 2), NO_ROUTES);
            // lane 0's transaction is open, holding its partitions; lane 1 must not wait for it
            lane1.setAutoCommit(false);
            try (Statement s = lane1.createStatement()) {
                s.execute("SET LOCAL lock_timeout = '5s'");
            }
            assertThat(store.append(lane1, "order_events", wideBatchOfLane("b", 1, 2), NO_ROUTES).appended()).isEqualTo(40);
            lane1.commit();
            // another file's batch with streams of lane 0 queues behind lane 0's transaction
            overlapping.setAutoCommit(false);
            try (Statement s = overlapping.createStatement()) {
                s.execute("SET LOCAL lock_timeout = '300ms'");
            }
            List<EventEnvelope> other = wideBatchOfLane("c", 0, 2);
            assertThatThrownBy(() -> store.append(overlapping, "order_events", other, NO_ROUTES))
                    .isInstanceOf(SQLException.class).hasMessageContaining("lock timeout");
            overlapping.rollback();
            lane0.commit();
        }
        assertThat(rows("SELECT count(*)::text FROM order_events")).containsExactly("80");
        assertThat(rows("SELECT count(DISTINCT stream_id)::text FROM order_events WHERE stream_version = 1")).containsExactly("80");
    }

    @Test
    void aStreamsLaneIsItsLockPartitionModuloTheLanes() {
        for (int i = 0; i < 200; i++) {
            String stream = "order-" + i;
            int partition = EventStore.partitionOf("order_events", stream);
            assertThat(partition).isBetween(0, EventStore.PARTITIONS - 1);
            assertThat(EventStore.laneOf("order_events", stream, 1)).isZero();
            assertThat(EventStore.laneOf("order_events", stream, 4)).isEqualTo(partition % 4);
        }
    }

    @Test
    void aStreamLockKeyDependsOnTableAndStream() {
        assertThat(EventStore.lockKey("order_events", "order-1")).isEqualTo(EventStore.lockKey("order_events", "order-1"));
        assertThat(EventStore.lockKey("order_events", "order-1")).isNotEqualTo(EventStore.lockKey("order_events", "order-2"));
        assertThat(EventStore.lockKey("order_events", "order-1")).isNotEqualTo(EventStore.lockKey("events", "order-1"));
    }

    @Test
    void concurrentAppendsOfTheSameEventsAppendThemOnce() throws Exception {
        List<EventEnvelope> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) batch.add(event("same" + i, "order-" + (i % 5), "OrderPlaced", "{\"i\":" + i + "}"));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<AppendOutcome>> futures = new ArrayList<>();
        for (int w = 0; w < 6; w++) futures.add(pool.submit(() -> append(batch, NO_ROUTES)));
        long appended = 0, duplicates = 0;
        for (Future<AppendOutcome> f : futures) {
            AppendOutcome o = f.get(120, TimeUnit.SECONDS);
            appended += o.appended();
            duplicates += o.duplicates();
        }
        pool.shutdown();
        assertThat(appended).isEqualTo(50);
        assertThat(duplicates).isEqualTo(250);
        assertThat(rows("SELECT count(*)::text FROM order_events")).containsExactly("50");
    }

    List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
