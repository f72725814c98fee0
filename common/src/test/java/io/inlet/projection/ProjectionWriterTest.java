package io.inlet.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.feed.FeedRegistry;
import io.inlet.Inlet;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The upsert of one event: guarded by the stream version, values bound, never spliced. */
class ProjectionWriterTest {

    DataSource ds;
    Projection p;
    final ProjectionWriter writer = new ProjectionWriter();

    @BeforeEach
    void setUp() {
        FeedRegistry feeds = FeedRegistry.parse(OrderFold.FEEDS, "feeds.yaml");
        ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        new ProjectionRebuild(ds, Inlet.projectionReader(ds)).ensure(feeds.projections());
        p = feeds.projections().named("orders_current").orElseThrow();
    }

    static ProjectedEvent event(long version, String type, String payload) {
        return new ProjectedEvent(UUID.randomUUID(), "o-1", version, type, 1, Instant.parse("2026-12-06T10:00:00Z"), payload);
    }

    void apply(ProjectedEvent... events) throws SQLException {
        try (Connection c = ds.getConnection()) {
            writer.apply(c, p, "orders_current", List.of(events));
        }
    }

    String row() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT stream_version || '|' || status || '|' || coalesce(amount::text, '-') || '|' "
                     + "|| coalesce(items::text, '-') FROM inlet.orders_current WHERE stream_id = 'o-1'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void anOlderEventArrivingAfterANewerOneDoesNotRegressTheRow() throws SQLException {
        apply(event(2, "OrderShipped", "{}"));
        apply(event(1, "OrderPlaced", "{\"amount\":\"5.00\"}"));
        assertThat(row()).isEqualTo("2|shipped|-|-");
    }

    @Test
    void anEventAppliedTwiceCountsOnce() throws SQLException {
        ProjectedEvent placed = event(1, "OrderPlaced", "{\"amount\":\"5.00\"}");
        ProjectedEvent added = event(2, "ItemAdded", "{\"qty\":3}");
        apply(placed, added);
        apply(placed, added);
        apply(added);
        assertThat(row()).isEqualTo("2|placed|5.00|3");
    }

    @Test
    void aColumnAnEventTypeDoesNotAssignKeepsItsValue() throws SQLException {
        apply(event(1, "OrderPlaced", "{\"amount\":\"5.00\"}"), event(2, "ItemAdded", "{\"qty\":2}"),
                event(3, "OrderShipped", "{\"amount\":\"999\"}"), event(4, "OrderNoted", "{}"), event(5, "ItemAdded", "{\"qty\":4}"));
        assertThat(row()).isEqualTo("5|shipped|5.00|6");
    }

    @Test
    void sqlInAPayloadValueIsStoredAsTextNeverRun() throws SQLException {
        Projection withText = new Projection(p.name(), p.table(), p.source(), p.mode(), p.columns(),
                java.util.Map.of("OrderPlaced", List.of(new Assignment("status", new Assignment.PayloadField(List.of("status")), Assignment.Op.SET))),
                p.declaredAt());
        String hostile = "x'); DROP TABLE inlet.order_events; --\"";
        try (Connection c = ds.getConnection()) {
            writer.apply(c, withText, "orders_current", List.of(event(1, "OrderPlaced",
                    "{\"status\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(hostile) + "}")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        assertThat(row()).isEqualTo("1|" + hostile + "|-|-");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeQuery("SELECT count(*) FROM inlet.order_events").close();
        }
    }

    @Test
    void aValueTheColumnRefusesIsADataErrorNamingTheProjectionAndTheEvent() {
        ProjectedEvent bad = event(1, "OrderPlaced", "{\"amount\":\"twelve\"}");
        assertThatThrownBy(() -> apply(bad)).isInstanceOf(SQLException.class)
                .hasMessageContaining("projection 'orders_current'").hasMessageContaining(bad.eventId().toString())
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("22"));
    }

    @Test
    void scalarPayloadValuesReadAsPostgresReadsThemAndNestedOnesOnlyIntoJsonb() throws Exception {
        String json = "{\"a\":1e2,\"b\":1.50,\"c\":{\"d\":\"x\",\"a\":1},\"e\":null,\"f\":true,\"h\":123456789012345678901234,\"s\":\"t\\u00e9\"}";
        com.fasterxml.jackson.databind.JsonNode n = ProjectionWriter.payload(json);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String key : List.of("a", "b", "e", "f", "h", "s")) {
                ResultSet rs = s.executeQuery("SELECT '" + json + "'::jsonb ->> '" + key + "'");
                rs.next();
                assertThat(ProjectionWriter.valueAt(n, List.of(key), ColumnType.TEXT)).as(key).isEqualTo(rs.getString(1));
            }
            ResultSet rs = s.executeQuery("SELECT '" + json + "'::jsonb -> 'c' = '" + ProjectionWriter.valueAt(n, List.of("c"), ColumnType.JSONB)
                    + "'::jsonb, '" + ProjectionWriter.valueAt(n, List.of("s"), ColumnType.JSONB) + "'::jsonb = '\"t\u00e9\"'::jsonb");
            rs.next();
            assertThat(rs.getBoolean(1)).isTrue();
            assertThat(rs.getBoolean(2)).isTrue();
        }
        assertThatThrownBy(() -> ProjectionWriter.valueAt(n, List.of("c"), ColumnType.TEXT)).isInstanceOf(SQLException.class)
                .hasMessageContaining("only a jsonb column").satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22023"));
        assertThat(ProjectionWriter.valueAt(n, List.of("c", "d"), ColumnType.TEXT)).isEqualTo("x");
        assertThat(ProjectionWriter.valueAt(n, List.of("c", "missing"), ColumnType.TEXT)).isNull();
        assertThat(ProjectionWriter.valueAt(n, List.of("a", "deeper"), ColumnType.TEXT)).isNull();
    }
}
