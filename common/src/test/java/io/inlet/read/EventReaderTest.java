package io.inlet.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.db.Database;
import io.inlet.db.DatabaseSettings;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** The reader's contract besides gaps (GapSafeReadSearchTest): limits, filters, errors, cost, the V30 migration. */
class EventReaderTest {

    final DataSource db = TestDatabase.fresh("order_events");
    final EventReader reader = new EventReader(new Transactions(db));

    @Test
    void aTypeFilterPassesOverOtherTypesWithinItsWindowAndMovesTheCheckpointPastThem() throws Exception {
        exec("INSERT INTO order_events (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) "
                + "SELECT gen_random_uuid(), 's-' || g, 1, CASE WHEN g = 400 THEN 'Rare' ELSE 'Common' END, now(), 't', '{}' "
                + "FROM generate_series(1, 400) g");
        ReadRequest rare = new ReadRequest(Checkpoint.BEGINNING, List.of(), Set.of("Rare"), 5);
        ReadBatch first = reader.read(rare);
        assertThat(first.events()).isEmpty();
        assertThat(first.more()).as("the window (16 x 5 rows per table) was full").isTrue();
        assertThat(first.next()).isGreaterThan(Checkpoint.BEGINNING);
        List<ReadEvent> found = new ArrayList<>();
        ReadRequest r = rare;
        int reads = 0;
        for (ReadBatch b = first; ; b = reader.read(r)) {
            reads++;
            found.addAll(b.events());
            r = r.after(b.next());
            if (!b.more()) break;
        }
        assertThat(found).extracting(ReadEvent::eventType).containsExactly("Rare");
        assertThat(reads).isEqualTo(6); // 400 rows / 80 per read, then the tail
    }

    @Test
    void theLimitCutsAReadAndMoreSaysSo() throws Exception {
        exec("INSERT INTO events (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) "
                + "SELECT gen_random_uuid(), 'limit-' || g, 1, 'T', now(), 't', ('{\"g\": ' || g || '}')::jsonb FROM generate_series(1, 3) g");
        ReadBatch two = reader.read(ReadRequest.all(Checkpoint.BEGINNING, 2));
        assertThat(two.events()).hasSize(2);
        assertThat(two.more()).isTrue();
        assertThat(two.next()).isEqualTo(two.events().get(1).checkpoint());
        ReadBatch rest = reader.read(ReadRequest.all(two.next(), 2));
        assertThat(rest.events()).hasSize(1);
        assertThat(rest.events().get(0).payload()).isEqualTo("{\"g\": 3}");
        assertThat(rest.more()).isFalse();
    }

    @Test
    void aTableThatIsNotAnEventTableIsRefusedNamingIt() {
        assertThatThrownBy(() -> reader.read(new ReadRequest(Checkpoint.BEGINNING, List.of("outbox", "events"), Set.of(), 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an event table: outbox")
                .hasMessageContaining("event tables: events, order_events");
    }

    @Test
    void checkpointsParseTheirTextAndRefuseOtherText() {
        assertThat(Checkpoint.parse("48213:9917")).isEqualTo(new Checkpoint(48213, 9917));
        assertThat(Checkpoint.parse(new Checkpoint(7, 8).toString())).isEqualTo(new Checkpoint(7, 8));
        assertThat(Checkpoint.parse("beginning")).isEqualTo(Checkpoint.BEGINNING);
        for (String bad : List.of("", "12", "12:", ":4", "a:b", "-1:4", "1:2:3")) {
            assertThatThrownBy(() -> Checkpoint.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("TX:POSITION");
        }
    }

    /** A read after a checkpoint deep in a large table is an index range scan, not a scan of the table. */
    @Test
    void aReadFromACheckpointIsAnIndexRangeScanOnTxPosition() throws Exception {
        exec("INSERT INTO order_events (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) "
                + "SELECT gen_random_uuid(), 'big-' || g, 1, 'T', now(), 't', '{}' FROM generate_series(1, 100000) g");
        exec("ANALYZE order_events");
        Checkpoint deep = reader.read(new ReadRequest(Checkpoint.BEGINNING, List.of("order_events"), Set.of(), 1)).next();
        StringBuilder plan = new StringBuilder();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("EXPLAIN " + EventReader.sql(List.of("order_events")))) {
            ps.setArray(1, c.createArrayOf("text", new Object[0]));
            ps.setInt(2, 0);
            ps.setString(3, Long.toString(deep.tx()));
            ps.setLong(4, deep.position());
            ps.setInt(5, 500);
            ps.setInt(6, 500);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) plan.append(rs.getString(1)).append('\n');
            }
        }
        assertThat(plan.toString()).as(plan.toString()).contains("order_events_tx_position_idx").doesNotContain("Seq Scan on order_events");
        // a figure for docs/read-side.md: the whole table in batches of 1000 over both tables
        long start = System.nanoTime();
        long read = 0;
        ReadRequest r = ReadRequest.all(Checkpoint.BEGINNING, 1000);
        for (ReadBatch b = reader.read(r); ; b = reader.read(r)) {
            read += b.events().size();
            r = r.after(b.next());
            if (!b.more()) break;
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("READ-FIGURE: " + read + " events in batches of 1000 over 2 tables: " + ms + " ms");
        assertThat(read).isEqualTo(100_000);
    }

    /** Rows already in a table when V30 runs (migrated up to V26, the newest before it on this branch) get tx 0: readable first, in position order, without a table rewrite. */
    @Test
    void v30GivesExistingRowsTransactionZeroAndNewRowsTheirWriter() throws Exception {
        DatabaseSettings admin = TestDatabase.server();
        String name = "inlet_v30_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
        try (Connection c = Database.dataSource(admin).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        String url = admin.url().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
        DataSource old = Database.dataSource(new DatabaseSettings(url, admin.user(), admin.password()));
        Flyway.configure().dataSource(old).schemas(Database.SCHEMA).defaultSchema(Database.SCHEMA)
                .locations("classpath:db/migration").target("26").load().migrate();
        try (Connection c = old.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO inlet.events (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) "
                    + "SELECT gen_random_uuid(), 'old-' || g, 1, 'T', now(), 't', '{}' FROM generate_series(1, 3) g");
        }
        Flyway.configure().dataSource(old).schemas(Database.SCHEMA).defaultSchema(Database.SCHEMA)
                .locations("classpath:db/migration").load().migrate();
        try (Connection c = old.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO inlet.events (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) "
                    + "VALUES (gen_random_uuid(), 'new', 1, 'T', now(), 't', '{}')");
        }
        List<ReadEvent> all = new EventReader(new Transactions(old)).read(ReadRequest.all(Checkpoint.BEGINNING, 10)).events();
        assertThat(all).extracting(e -> e.checkpoint().tx()).containsExactly(0L, 0L, 0L, all.get(3).checkpoint().tx());
        assertThat(all.get(3).checkpoint().tx()).isPositive();
        assertThat(all).extracting(ReadEvent::streamId).containsExactly("old-1", "old-2", "old-3", "new");
        try (Connection c = old.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM inlet.event_table_problems('events')")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the migrated table passes the shape check").isZero();
        }
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
