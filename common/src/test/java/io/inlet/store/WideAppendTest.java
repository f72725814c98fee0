package io.inlet.store;

import static io.inlet.testing.Events.event;
import static io.inlet.testing.Events.uuid;
import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.event.DerivedRoute;
import io.inlet.event.EventEnvelope;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A wide batch (more streams than {@link EventStore#LOCKED_STREAMS_MAX}: the file path) is appended
 * by probes and COPY ({@link CopyAppend}); it must store exactly what the one-statement append
 * stores, event by event.
 */
class WideAppendTest {

    static final String TABLE = "order_events";
    static final List<DerivedRoute> ROUTES = List.of(
            new DerivedRoute(DerivedRoute.Kind.APPENDED, "orders", List.of(), null),
            new DerivedRoute(DerivedRoute.Kind.MAPPED, "crm", List.of("OrderPlaced"), "OrderReceived"),
            new DerivedRoute(DerivedRoute.Kind.APPENDED, "audit", List.of("OrderShipped", "OrderPaid"), null),
            new DerivedRoute(DerivedRoute.Kind.SUMMARY, "ops", List.of(), null));

    final EventStore store = new EventStore();

    /** Stored before the batch: streams at versions, ids the batch repeats with the same and another payload. */
    static List<EventEnvelope> before() {
        List<EventEnvelope> out = new ArrayList<>();
        for (int s = 0; s < 10; s++) out.add(event("old-" + s, "stream-" + s, "OrderPlaced", "{\"old\":" + s + "}"));
        out.add(event("old-10", "stream-0", "OrderPlaced", "{\"a\":1,\"b\":[1,2]}"));
        return out;
    }

    /** 60 streams, awkward values, stored ids, in-batch repeats of every kind. */
    static List<EventEnvelope> wideBatch() {
        List<EventEnvelope> out = new ArrayList<>();
        String[] types = {"OrderPlaced", "OrderShipped", "OrderPaid"};
        for (int i = 0; i < 120; i++) {
            String stream = i % 7 == 3 ? "stream\t" + (i % 60) + "\\x\nline" : "stream-" + (i % 60);
            String payload = "{\"i\":" + i + ",\"note\":\"tab\\there \\\\ back\\\\slash \\\"q\\\" \\u00e9t\u00e9 \\n nl\",\"n\":null}";
            out.add(new EventEnvelope(uuid("new-" + i), stream, types[i % 3], 1 + i % 2,
                    Instant.parse("2026-11-20T10:00:00.123456Z").plusSeconds(i), i % 5 == 0 ? null : "corr\t" + i,
                    i % 4 == 0 ? null : "cause\\" + i, "s3://b/k\\ey\t#v@record=" + i, payload));
        }
        out.add(5, event("old-3", "stream-3", "OrderPlaced", "{\"old\":3}"));                  // stored, same: DUPLICATE
        out.add(9, event("old-4", "stream-4", "OrderPlaced", "{\"old\":44}"));                 // stored, other: CONFLICT
        out.add(12, event("old-10", "stream-0", "OrderPlaced", "{ \"b\": [1, 2], \"a\": 1 }")); // stored, jsonb-equal: DUPLICATE
        out.add(20, event("new-7", "stream-7", "OrderPaid", "{\"other\":true}"));              // repeat, other payload: CONFLICT
        EventEnvelope first = out.get(30);
        out.add(40, first);                                                                   // repeat, same text: DUPLICATE
        out.add(50, event("rep", "stream-50", "OrderPlaced", "{\"x\":1,\"y\":2}"));
        out.add(51, event("rep", "stream-50", "OrderPlaced", "{\"y\": 2, \"x\": 1}"));        // repeat, jsonb-equal: DUPLICATE
        out.add(52, event("old-5", "stream-5", "OrderPlaced", "{\"old\":5}"));                 // stored, same: DUPLICATE
        out.add(53, event("old-5", "stream-5", "OrderPlaced", "{\"old\":5}"));                 // and its repeat: DUPLICATE
        return out;
    }

    @Test
    void aWideBatchStoresTheSameOutcomesEventsVersionsAndOutboxRowsAsAppendingItsEventsOneByOne() throws Exception {
        DataSource wide = TestDatabase.fresh(TABLE), oneByOne = TestDatabase.fresh(TABLE);
        List<EventEnvelope> batch = wideBatch();
        AppendOutcome wideOut = null, eachOut = null;
        for (DataSource ds : List.of(wide, oneByOne)) {
            Transactions tx = new Transactions(ds);
            tx.inTransaction(c -> store.append(c, TABLE, before(), ROUTES));
            if (ds == wide) {
                wideOut = tx.inTransaction(c -> store.append(c, TABLE, batch, ROUTES));
            } else {
                List<EventOutcome> outcomes = new ArrayList<>();
                for (EventEnvelope e : batch) outcomes.addAll(tx.inTransaction(c -> store.append(c, TABLE, List.of(e), ROUTES)).outcomes());
                eachOut = new AppendOutcome(outcomes);
            }
        }

        assertThat(wideOut.outcomes()).isEqualTo(eachOut.outcomes());
        assertThat(wideOut.appended()).isEqualTo(121);
        assertThat(wideOut.duplicates()).isEqualTo(6);
        assertThat(wideOut.conflicts()).isEqualTo(2);
        String events = "SELECT event_id || '|' || stream_id || '|' || stream_version || '|' || event_type || '|' || schema_version"
                + " || '|' || occurred_at || '|' || coalesce(correlation_id, '<null>') || '|' || coalesce(causation_id, '<null>')"
                + " || '|' || source || '|' || payload::text FROM order_events ORDER BY position";
        assertThat(rows(wide, events)).hasSize(132).isEqualTo(rows(oneByOne, events));
        String outbox = "SELECT destination || '|' || event_table || '|' || event_id || '|' || event_type || '|' || stream_id"
                + " FROM outbox ORDER BY outbox_id";
        assertThat(rows(wide, outbox)).isEqualTo(rows(oneByOne, outbox));
        assertThat(rows(wide, "SELECT count(*)::text FROM (SELECT e.position, lag(e.position) OVER (ORDER BY o.outbox_id) AS prev "
                + "FROM outbox o JOIN order_events e USING (event_id)) t WHERE t.position < t.prev"))
                .as("outbox rows follow the events' positions").containsExactly("0");
        assertThat(rows(wide, "SELECT payload->>'note' FROM order_events WHERE event_id = '" + uuid("new-1") + "'"))
                .containsExactly("tab\there \\ back\\slash \"q\" été \n nl");
    }

    @Test
    void aWideBatchAgainAppendsNothing() throws Exception {
        DataSource ds = TestDatabase.fresh(TABLE);
        Transactions tx = new Transactions(ds);
        List<EventEnvelope> batch = wideBatch();
        tx.inTransaction(c -> store.append(c, TABLE, batch, ROUTES));
        List<String> outbox = rows(ds, "SELECT outbox_id || event_type FROM outbox ORDER BY 1");

        AppendOutcome again = tx.inTransaction(c -> store.append(c, TABLE, batch, ROUTES));

        assertThat(again.appended()).isZero();
        assertThat(again.conflicts()).as("the in-batch repeat of new-7 with another payload, now against the stored new-7")
                .isEqualTo(1);
        assertThat(rows(ds, "SELECT count(*)::text FROM order_events")).containsExactly("125");
        assertThat(rows(ds, "SELECT outbox_id || event_type FROM outbox ORDER BY 1")).isEqualTo(outbox);
    }

    @Test
    void aWideBatchThatLosesARaceToAWriterOutsideTheLocksIsRetriedWithTheNextVersion() throws Exception {
        DataSource ds = TestDatabase.fresh(TABLE);
        Transactions tx = new Transactions(ds);
        tx.inTransaction(c -> store.append(c, TABLE, List.of(event("r1", "order-r", "OrderPlaced", "{}")), ROUTES));
        List<EventEnvelope> batch = new ArrayList<>();
        batch.add(event("r2", "order-r", "OrderPaid", "{}"));
        for (int s = 0; s < EventStore.LOCKED_STREAMS_MAX + 8; s++) batch.add(event("w" + s, "order-w" + s, "OrderPlaced", "{}"));
        try (Connection outsider = ds.getConnection()) {
            outsider.setAutoCommit(false);
            try (Statement s = outsider.createStatement()) {
                // version 2 of the stream, inserted but not yet committed by a writer that takes no lock
                s.execute("INSERT INTO order_events (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) "
                        + "VALUES ('" + uuid("outsider") + "', 'order-r', 2, 'OrderPlaced', now(), 'test', '{}')");
            }
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<AppendOutcome> appending = pool.submit(() -> tx.inTransaction(c -> store.append(c, TABLE, batch, ROUTES)));
                // the batch read head 1 and its COPY now waits on the outsider's uncommitted version 2
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (rows(ds, "SELECT count(*)::text FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        + "AND query LIKE 'COPY order_events%'").get(0).equals("0")) {
                    if (System.nanoTime() > deadline) throw new AssertionError("the append never waited on the outsider");
                    Thread.sleep(20);
                }
                outsider.commit();
                assertThat(appending.get(60, TimeUnit.SECONDS).appended()).isEqualTo(batch.size());
            } finally {
                pool.shutdown();
            }
        }
        assertThat(rows(ds, "SELECT stream_version || ' ' || event_type FROM order_events WHERE stream_id = 'order-r' ORDER BY 1"))
                .containsExactly("1 OrderPlaced", "2 OrderPlaced", "3 OrderPaid");
        assertThat(rows(ds, "SELECT count(*)::text FROM outbox")).as("one try's outbox rows, not two")
                .containsExactly("84");
    }

    static List<String> rows(DataSource ds, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
