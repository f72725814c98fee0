package io.inlet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.event.EventEnvelope;
import io.inlet.feed.DerivedRoute;
import io.inlet.store.AppendOutcome;
import io.inlet.store.EventOutcome;
import io.inlet.store.EventStore;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class AppendPathsTest {

    static final List<DerivedRoute> ROUTES = List.of(
            new DerivedRoute(DerivedRoute.Kind.APPENDED, "orders", List.of(), null),
            new DerivedRoute(DerivedRoute.Kind.MAPPED, "shipping", List.of("OrderShipped"), "ShipmentRequested"),
            new DerivedRoute(DerivedRoute.Kind.SUMMARY, "ops", List.of(), null));

    static EventEnvelope event(String id, String stream, String type, String payload, String causation) {
        return new EventEnvelope(UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)), stream, type, 2,
                Instant.parse("2026-11-20T10:00:00.123456Z"), "corr-1", causation, "s3://b/k.csv#1@record=" + id, payload);
    }

    /** Three batches exercising every outcome, plus the characters COPY's text format must escape. */
    static List<List<EventEnvelope>> trickyBatches() {
        List<EventEnvelope> first = List.of(
                event("a1", "order-a", "OrderPlaced", "{\"note\":\"tab\\there, newline\\nthere, backslash \\\\ é 😀\"}", null),
                event("b1", "order-b", "OrderPlaced", "{\"n\":1}", "cause\t1\\x"),
                event("a2", "order-a", "OrderShipped", "{\"n\":2}", "c"),
                event("a2", "order-a", "OrderShipped", "{ \"n\" : 2 }", "c"),   // repeated in batch, same payload
                event("a2", "order-a", "OrderShipped", "{\"n\":3}", "c"),       // repeated in batch, other payload
                event("c1", "order-c\nline", "OrderShipped", "{\"n\":4}", null));
        List<EventEnvelope> second = List.of(
                event("b1", "order-b", "OrderPlaced", "{\"n\":1}", "cause\t1\\x"), // redelivered
                event("b2", "order-b", "OrderShipped", "{\"n\":5}", null),
                event("a1", "order-a", "OrderPlaced", "{\"other\":true}", null), // conflict with the stored one
                event("a3", "order-a", "OrderDelivered", "{\"n\":6}", null),
                event("b2", "order-b", "OrderShipped", "{\"n\":5}", null));     // repeated in batch
        List<EventEnvelope> third = new ArrayList<>(second);
        third.add(event("d1", "order-d", "OrderPlaced", "{\"n\":7}", null));
        return List.of(first, second, third);
    }

    record Stored(List<List<EventOutcome>> outcomes, List<String> events, List<String> outbox, List<String> heads) {
    }

    Stored appendAll(WritePath.Append append) throws SQLException {
        DataSource ds = TestDatabase.fresh("order_events");
        Transactions tx = new Transactions(ds);
        List<List<EventOutcome>> outcomes = new ArrayList<>();
        for (List<EventEnvelope> batch : trickyBatches()) {
            AppendOutcome out = tx.inTransaction(c -> append.append(c, "order_events", batch, ROUTES));
            outcomes.add(out.outcomes());
        }
        return new Stored(outcomes,
                rows(ds, "SELECT concat_ws('|', event_id, stream_id, stream_version, event_type, schema_version, occurred_at,"
                        + " correlation_id, causation_id, source, payload) FROM order_events ORDER BY position"),
                rows(ds, "SELECT concat_ws('|', destination, event_table, event_id, event_type, stream_id, payload)"
                        + " FROM outbox ORDER BY outbox_id"),
                rows(ds, "SELECT stream_id || ':' || version FROM stream_heads ORDER BY stream_id"));
    }

    static List<String> rows(DataSource ds, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    @Test
    void everyAppendPathStoresExactlyWhatEventStoreStores() throws SQLException {
        Stored eventStore = appendAll(new EventStore()::append);

        assertThat(eventStore.outcomes()).containsExactly(
                List.of(EventOutcome.APPENDED, EventOutcome.APPENDED, EventOutcome.APPENDED, EventOutcome.DUPLICATE,
                        EventOutcome.CONFLICT, EventOutcome.APPENDED),
                List.of(EventOutcome.DUPLICATE, EventOutcome.APPENDED, EventOutcome.CONFLICT, EventOutcome.APPENDED,
                        EventOutcome.DUPLICATE),
                List.of(EventOutcome.DUPLICATE, EventOutcome.DUPLICATE, EventOutcome.CONFLICT, EventOutcome.DUPLICATE,
                        EventOutcome.DUPLICATE, EventOutcome.APPENDED));
        assertThat(eventStore.events()).hasSize(7);
        assertThat(eventStore.events().get(0)).contains("tab\\there, newline\\nthere, backslash \\\\ é 😀");
        assertThat(eventStore.outbox()).extracting(r -> r.split("\\|")[0] + ":" + r.split("\\|")[3]).containsExactly(
                "orders:OrderPlaced", "orders:OrderPlaced", "orders:OrderShipped", "shipping:ShipmentRequested",
                "orders:OrderShipped", "shipping:ShipmentRequested",
                "orders:OrderShipped", "shipping:ShipmentRequested", "orders:OrderDelivered", "orders:OrderPlaced");
        assertThat(eventStore.heads()).containsExactly("order-a:3", "order-b:2", "order-c\nline:1", "order-d:1");

        assertThat(appendAll(new CopyStagingAppender()::append)).isEqualTo(eventStore);
        assertThat(appendAll(new CopyStagingAppender(AppendSql.Shape.SINGLE_PASS)::append)).isEqualTo(eventStore);
        assertThat(appendAll(new UnnestAppender(AppendSql.Shape.SINGLE_PASS)::append)).isEqualTo(eventStore);
        assertThat(appendAll(new UnnestAppender(AppendSql.Shape.CTE_JOINS)::append)).isEqualTo(eventStore);
    }

    @Test
    void theBenchStoresEveryRowOnceOnEveryPathAt2000Rows() throws SQLException {
        List<AppendBench.Measurement> results = AppendBench.run(new AppendBench.Settings(2_000, 500, 300, 500, 1, List.of()));

        assertThat(results).extracting(m -> m.variant() + "/" + m.pass() + "/" + m.rows() + "/" + m.storedRows() + "/"
                + m.outboxRows() + "/" + m.appended()).containsExactly(
                "EventStore (unnest, single pass)/new events/2000/2000/2000/2000",
                "COPY staging + CTE-join stmt/new events/2000/2000/2000/2000",
                "unnest + single-pass stmt/new events/2000/2000/2000/2000",
                "COPY staging + single-pass/new events/2000/2000/2000/2000",
                "JDBC batch INSERT ON CONFLICT/new events/2000/2000/0/0",
                "raw COPY into event table/new events/2000/2000/0/2000",
                "EventStore (unnest, single pass)/all duplicates/2000/2000/2000/0",
                "COPY staging + CTE-join stmt/all duplicates/2000/2000/2000/0",
                "unnest + single-pass stmt/all duplicates/2000/2000/2000/0",
                "COPY staging + single-pass/all duplicates/2000/2000/2000/0");
    }
}
