package io.inlet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.db.Migrations;
import io.inlet.db.NotAnEventTableException;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** `migrate` succeeds only when every feed table really is an event table; Inlet's own names are guarded. */
class EventTableShapeTest {

    static final DataSource DB = TestDatabase.fresh("order_events");

    static final String FEED = """
            version: 1
            feeds:
              - name: acme-orders
                bucket: vendor-drop
                key_pattern: "acme/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: ordered_at }
                  id: { strategy: position }
                table: TABLE
            """;

    @ParameterizedTest
    @ValueSource(strings = {"ingested_files", "outbox", "processed_messages", "rejected_records", "vendor_access",
            "event_tables", "flyway_schema_history", "event_position_seq", "events_pkey"})
    void migratingAFeedTableThatIsSomethingElseFailsNamingIt(String table) {
        assertThatThrownBy(() -> Migrations.apply(DB, List.of(table)))
                .isInstanceOf(NotAnEventTableException.class)
                .hasMessageContaining("not an event table")
                .hasMessageContaining(table + " ");
    }

    @Test
    void aHandMadeTableOfTheSameNameIsNotTakenForAnEventTable() throws Exception {
        try (Connection c = DB.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE inlet.lookalike_events (event_id uuid PRIMARY KEY, stream_id text, stream_version int)");
        }
        assertThatThrownBy(() -> Migrations.apply(DB, List.of("lookalike_events")))
                .isInstanceOf(NotAnEventTableException.class)
                .hasMessageContaining("lookalike_events is not registered in event_tables")
                .hasMessageContaining("column stream_version is integer, not bigint")
                .hasMessageContaining("has no column payload (jsonb)")
                .hasMessageContaining("is not append-only");
    }

    @Test
    void realEventTablesPassTheCheck() {
        assertThat(Migrations.apply(DB, List.of("events", "order_events", "new_events"))).isZero();
    }

    /** Every table or view a migration makes that is not an event table must be refused at feeds-file load too. */
    @Test
    void everyTableOfInletsSchemaIsReservedForFeeds() throws Exception {
        List<String> unguarded = new ArrayList<>();
        try (Connection c = DB.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'inlet' AND c.relkind IN ('r', 'p', 'v', 'm')
                       AND c.relname NOT IN (SELECT table_name FROM inlet.event_tables) AND c.relname <> 'lookalike_events'""")) {
            while (rs.next()) {
                String name = rs.getString(1);
                try {
                    io.inlet.feed.FeedRegistry.parse(FEED.replace("TABLE", name), "feeds.yaml");
                    unguarded.add(name);
                } catch (io.inlet.feed.FeedConfigException expected) {
                    // refused at load, as it must be
                }
            }
        }
        assertThat(unguarded).as("tables a feed could name; add them to feed/ReservedTables").isEmpty();
    }
}
