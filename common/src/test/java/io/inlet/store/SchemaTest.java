package io.inlet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.db.Migrations;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SchemaTest {

    static DataSource ds;

    @BeforeAll
    static void database() {
        ds = TestDatabase.fresh("order_events");
    }

    @Test
    void eventRowsRefuseUpdateDeleteAndTruncate() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO order_events (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) "
                    + "VALUES ('00000000-0000-5000-8000-000000000001', 'order-1', 1, 'OrderPlaced', now(), 'test', '{\"a\":1}')");
            assertThatThrownBy(() -> s.execute("UPDATE order_events SET payload = '{}'"))
                    .hasMessageContaining("append-only").hasMessageContaining("UPDATE refused");
            assertThatThrownBy(() -> s.execute("DELETE FROM order_events"))
                    .hasMessageContaining("append-only").hasMessageContaining("DELETE refused");
            assertThatThrownBy(() -> s.execute("TRUNCATE order_events"))
                    .hasMessageContaining("append-only").hasMessageContaining("TRUNCATE refused");
            ResultSet rs = s.executeQuery("SELECT count(*) FROM order_events");
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void migratingAgainChangesNothing() {
        assertThat(Migrations.apply(ds, List.of("order_events"))).isZero();
    }

    @Test
    void everyTableStatesItsGrain() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("""
                    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'inlet' AND c.relkind = 'r' AND c.relname <> 'flyway_schema_history'
                      AND coalesce(obj_description(c.oid, 'pg_class'), '') NOT LIKE 'Grain: one row is one %'""");
            assertThat(rs.next()).as("a table without a grain comment").isFalse();
        }
    }

    @Test
    void eventIdAndStreamVersionAreUnique() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO events (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) "
                    + "VALUES ('00000000-0000-5000-8000-000000000002', 's', 1, 'T', now(), 'test', '{}')");
            assertThatThrownBy(() -> s.execute("INSERT INTO events (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) "
                    + "VALUES ('00000000-0000-5000-8000-000000000003', 's', 1, 'T', now(), 'test', '{}')"))
                    .hasMessageContaining("events_stream_version_key");
            assertThatThrownBy(() -> s.execute("INSERT INTO events (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) "
                    + "VALUES ('00000000-0000-5000-8000-000000000002', 's', 2, 'T', now(), 'test', '{}')"))
                    .hasMessageContaining("events_pkey");
        }
    }
}
