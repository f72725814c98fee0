package io.inlet.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.pubsub.v1.PubsubMessage;
import io.inlet.db.DatabaseSettings;
import io.inlet.gcp.pubsub.PubSubBroker;
import io.inlet.read.SubscriptionStart;
import io.inlet.read.SubscriptionStatus;
import io.inlet.read.Subscriptions;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A catch-up subscription to a Pub/Sub topic with ordering (the emulator, or the in-process service),
 * run by {@link OutboxRelayFunction} in its own process: backfill while appends go on, then live; the
 * topic receives every event once, each stream in version order under its ordering key.
 */
class SubscriptionToPubSubTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> STREAMS = List.of("order-1", "order-2", "order-3", "order-4");

    final DataSource db = TestDatabase.fresh("order_events");

    @Test
    void backfillWhileAppendsGoOnReachesTheTopicOnceEachInStreamOrder() throws Exception {
        DatabaseSettings dbSettings = TestDatabase.settingsFor(db);
        Path work = Files.createTempDirectory("gcp-subscription");
        Path feeds = Files.writeString(work.resolve("feeds.yaml"), """
                version: 1
                feeds:
                  - name: vendor-orders
                    bucket: inlet-vendor-drop
                    key_pattern: "orders/**"
                    format: { type: csv }
                    mapping:
                      event_type: OrderPlaced
                      stream_id: "order-{order_id}"
                      occurred_at: { column: placed_at }
                      id: { strategy: column, column: order_id }
                    table: order_events
                """);
        Random random = new Random(16);
        List<UUID> all = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 80; i++) all.add(append(STREAMS.get(random.nextInt(STREAMS.size())), false));
        Transactions tx = new Transactions(db);
        tx.inTransaction(c -> new Subscriptions().add(c, new Subscriptions.AddRequest("replay", "replay",
                new SubscriptionStart.Beginning(), List.of())));
        try (PubSubBroker broker = PubSubBroker.startBest()) {
            broker.createTopic("replay-out");
            broker.createSubscription("replay-out", "replay-out-sub", true);
            Map<String, String> env = new HashMap<>();
            env.put("INLET_FEEDS", feeds.toString());
            env.put("INLET_DATABASE_URL", dbSettings.url());
            if (dbSettings.user() != null) env.put("INLET_DATABASE_USER", dbSettings.user());
            if (dbSettings.password() != null) env.put("INLET_DATABASE_PASSWORD", dbSettings.password());
            env.put("INLET_DESTINATIONS", "replay=projects/" + PubSubBroker.PROJECT + "/topics/replay-out");
            env.put("INLET_ORDERED_DESTINATIONS", "replay");
            env.put("PUBSUB_EMULATOR_HOST", broker.hostAndPort());
            env.put("INLET_TIMEOUT_SECONDS", "60");
            try (FunctionInvoker relay = FunctionInvoker.start(OutboxRelayFunction.class, env)) {
                CompletableFuture<Void> appends = CompletableFuture.runAsync(() -> {
                    Random r = new Random(61);
                    try {
                        for (int i = 0; i < 40; i++) all.add(append(STREAMS.get(r.nextInt(STREAMS.size())), r.nextInt(3) == 0));
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                while (!appends.isDone()) {
                    assertThat(relay.post(Map.of(), new byte[0]).statusCode()).as(relay.output()).isEqualTo(200);
                }
                appends.join();
                assertThat(relay.post(Map.of(), new byte[0]).statusCode()).as(relay.output()).isEqualTo(200);
                assertThat(relay.output()).contains("subscriptions delivered");
            }
            List<PubsubMessage> received = broker.pull("replay-out-sub", all.size());
            List<UUID> ids = new ArrayList<>();
            Map<String, List<Long>> versions = new HashMap<>();
            for (PubsubMessage m : received) {
                JsonNode ce = JSON.readTree(m.getData().toStringUtf8());
                ids.add(UUID.fromString(ce.path("id").asText()));
                assertThat(m.getOrderingKey()).isEqualTo(ce.path("subject").asText());
                versions.computeIfAbsent(m.getOrderingKey(), k -> new ArrayList<>()).add(version(ce.path("id").asText()));
            }
            assertThat(ids).as("every event once").containsExactlyInAnyOrderElementsOf(all);
            for (var e : versions.entrySet()) {
                assertThat(e.getValue()).as("stream %s in version order", e.getKey()).isSorted().doesNotHaveDuplicates();
            }
        }
        SubscriptionStatus status = tx.inTransaction(new Subscriptions()::status).get(0);
        assertThat(status.state()).isEqualTo(SubscriptionStatus.State.LIVE);
        assertThat(status.subscription().delivered()).isEqualTo(all.size());
    }

    /** Appends the stream's next version; {@code early}: the transaction takes its id first and appends a moment later. */
    private UUID append(String stream, boolean early) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            if (early) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_current_xact_id(), pg_sleep(0.02)");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                ps.setString(1, stream);
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO order_events (event_id, stream_id, stream_version, "
                    + "event_type, occurred_at, source, payload) SELECT ?, ?, coalesce(max(stream_version), 0) + 1, 'OrderPlaced', "
                    + "now(), 'test', '{}' FROM order_events WHERE stream_id = ?")) {
                ps.setObject(1, id);
                ps.setString(2, stream);
                ps.setString(3, stream);
                ps.executeUpdate();
            }
            c.commit();
        }
        return id;
    }

    private long version(String eventId) {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT stream_version FROM order_events WHERE event_id = '" + eventId + "'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
