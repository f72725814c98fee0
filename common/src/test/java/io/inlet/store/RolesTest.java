package io.inlet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.db.Database;
import io.inlet.db.DatabaseSettings;
import io.inlet.feed.FeedRegistry;
import io.inlet.failure.Deadline;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import io.inlet.outbox.RelayReport;
import io.inlet.source.LocalFileSource;
import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The functions connect with the narrowest role; the database, not the code, holds them to it. */
class RolesTest {

    static DataSource owner;
    static FeedRegistry feeds;
    static DataSource ingest, relay, reader;

    @BeforeAll
    static void users() throws Exception {
        feeds = Samples.feeds();
        owner = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        ingest = login("inlet_ingest");
        relay = login("inlet_relay");
        reader = login("inlet_reader");
    }

    static DataSource login(String role) throws Exception {
        String user = role + "_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + user + " LOGIN PASSWORD 'pw-" + user + "' IN ROLE " + role);
        }
        DatabaseSettings db = TestDatabase.settingsFor(owner);
        return Database.dataSource(new DatabaseSettings(db.url().replaceAll("([?&])user=[^&]*&?", "$1"), user, "pw-" + user));
    }

    @Test
    void theIngestRoleIngestsButCannotChangeOrDeleteEvents() throws Exception {
        Inlet inlet = Inlet.builder().dataSource(ingest).feeds(feeds).build();
        LocalFileSource source = new LocalFileSource(Samples.files());
        FileReport r = inlet.ingestFile(source.refFor("vendor-drop", Samples.files().resolve("acme/orders-malformed.csv")),
                source, Deadline.none());
        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(r.counts().appended()).isEqualTo(3);
        try (Connection c = ingest.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("UPDATE order_events SET payload = '{}'")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("DELETE FROM order_events")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("DELETE FROM rejected_records")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("DELETE FROM outbox")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("DROP TABLE order_events")).hasMessageContaining("must be owner");
        }
    }

    @Test
    void theRelayRolePublishesButCannotAppend() throws Exception {
        Inlet.builder().dataSource(ingest).feeds(feeds).build().ingestFile(
                new LocalFileSource(Samples.files()).refFor("vendor-drop", Samples.files().resolve("acme/orders-quoted.csv")),
                new LocalFileSource(Samples.files()), Deadline.none());
        RelayReport report = Inlet.builder().dataSource(relay).feeds(feeds).build().relay(batch -> {
            Map<Long, String> ok = new HashMap<>();
            for (OutboxMessage m : batch) ok.put(m.outboxId(), "m" + m.outboxId());
            return new PublishResult(ok, Map.of());
        }, Deadline.none());
        assertThat(report.published()).isPositive();
        try (Connection c = relay.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("INSERT INTO order_events (event_id, stream_id, stream_version, event_type, "
                    + "occurred_at, source, payload) VALUES (gen_random_uuid(), 's', 1, 'T', now(), 'x', '{}')"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("UPDATE ingested_files SET status = 'COMPLETED'")).hasMessageContaining("permission denied");
        }
    }

    @Test
    void theReaderRoleReadsEverythingAndWritesNothing() throws Exception {
        try (Connection c = reader.getConnection(); Statement s = c.createStatement()) {
            s.executeQuery("SELECT count(*) FROM order_events").close();
            s.executeQuery("SELECT count(*) FROM ingested_files").close();
            s.executeQuery("SELECT count(*) FROM outbox").close();
            assertThatThrownBy(() -> s.execute("INSERT INTO processed_messages (channel, message_id, status) VALUES ('c', 'm', 'FAILED')"))
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void eventTablesCreatedLaterGetTheSameGrants() throws Exception {
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT inlet.create_event_table('late_events')");
        }
        try (Connection c = ingest.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO late_events (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) "
                    + "VALUES (gen_random_uuid(), 's', 1, 'T', now(), 'x', '{}')");
            assertThatThrownBy(() -> s.execute("DELETE FROM late_events")).hasMessageContaining("permission denied");
        }
    }
}
