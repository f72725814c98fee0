package io.inlet.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.pubsub.v1.PubsubMessage;
import io.inlet.db.DatabaseSettings;
import io.inlet.gcp.pubsub.PubSubBroker;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.SettingException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The post-commit wake-up on GCP, each function in its own Functions Framework process, the Pub/Sub
 * emulator (or the in-process service) and the real clients: an object finalized into GcsObjectFunction
 * leaves one wake on the wake topic; that wake, pushed to OutboxRelayFunction as a push envelope, relays
 * the file's derived events to their topic.
 */
class RelayWakeOnGcpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "orders/2026/01/orders-0002.csv";

    private static DataSource db;
    private static PubSubBroker broker;
    private static FunctionInvoker gcs;
    private static FunctionInvoker relay;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.fresh("order_events");
        DatabaseSettings dbSettings = TestDatabase.settingsFor(db);
        Path work = Files.createTempDirectory("gcp-wake");
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
                    derived:
                      - { events: appended, destination: orders }
                """);
        Path object = work.resolve("seed/inlet-vendor-drop/" + KEY);
        Files.createDirectories(object.getParent());
        Files.writeString(object, """
                order_id,customer_id,total,placed_at
                o-1,c-7,42.50,2026-01-15T10:00:00Z
                o-2,c-8,10.00,2026-01-15T10:05:00Z
                """);
        broker = PubSubBroker.startBest();
        broker.createTopic("orders-out");
        broker.createSubscription("orders-out", "orders-out-sub", false);
        broker.createTopic("inlet-relay-wake");
        broker.createSubscription("inlet-relay-wake", "inlet-relay-wake-push", false);
        Map<String, String> env = new HashMap<>();
        env.put("INLET_FEEDS", feeds.toString());
        env.put("INLET_DATABASE_URL", dbSettings.url());
        if (dbSettings.user() != null) env.put("INLET_DATABASE_USER", dbSettings.user());
        if (dbSettings.password() != null) env.put("INLET_DATABASE_PASSWORD", dbSettings.password());
        env.put("INLET_TEST_GCS_SEED", work.resolve("seed").toString());
        env.put("INLET_DESTINATIONS", "orders=projects/" + PubSubBroker.PROJECT + "/topics/orders-out");
        env.put("PUBSUB_EMULATOR_HOST", broker.hostAndPort());
        env.put("INLET_TIMEOUT_SECONDS", "60");
        env.put("INLET_RELAY_WAKE_TOPIC", "projects/" + PubSubBroker.PROJECT + "/topics/inlet-relay-wake");
        gcs = FunctionInvoker.start(GcsObjectFunction.class, env);
        relay = FunctionInvoker.start(OutboxRelayFunction.class, env);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {gcs, relay, broker}) {
            if (c != null) c.close();
        }
    }

    @Test
    void aFinalizedObjectWakesTheRelayWhosePushedWakePublishesTheDerivedEvents() throws Exception {
        byte[] finalized = Files.readAllBytes(Samples.own().resolve("storage-finalized-structured-number-fields.json"));
        HttpResponse<String> ingested = gcs.postStructured(finalized);
        assertThat(ingested.statusCode()).as(gcs.output()).isEqualTo(200);
        assertThat(count("SELECT count(*) FROM inlet.outbox")).isEqualTo(2);

        List<PubsubMessage> wakes = broker.pull("inlet-relay-wake-push", 1);
        assertThat(wakes).hasSize(1);

        // the wake as its push subscription delivers it to the relay's URL
        ObjectNode envelope = JSON.createObjectNode();
        envelope.putObject("message").put("messageId", wakes.get(0).getMessageId())
                .put("data", Base64.getEncoder().encodeToString(wakes.get(0).getData().toByteArray()));
        envelope.put("subscription", "projects/" + PubSubBroker.PROJECT + "/subscriptions/inlet-relay-wake-push");
        HttpResponse<String> relayed = relay.post(Map.of("Content-Type", "application/json"), JSON.writeValueAsBytes(envelope));
        assertThat(relayed.statusCode()).as(relay.output()).isEqualTo(200);
        assertThat(JSON.readTree(relayed.body()).get("published").asLong()).isEqualTo(2);
        assertThat(relay.output()).contains("woken relay done");

        assertThat(broker.pull("orders-out-sub", 2)).hasSize(2);
    }

    @Test
    void theWakeTopicIsOptionalAndAWrongValueFailsStartUpNamingItsVariable() {
        assertThat(WakeTopic.fromEnvironment(Map.of())).isNull();
        assertThat(WakeTopic.fromEnvironment(Map.of("INLET_RELAY_WAKE_TOPIC", "projects/p/topics/w",
                "INLET_RELAY_WAKE_WINDOW_MS", "250")).settings().window()).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> WakeTopic.fromEnvironment(Map.of("INLET_RELAY_WAKE_TOPIC", "inlet-relay-wake")))
                .isInstanceOf(SettingException.class).hasMessageStartingWith("INLET_RELAY_WAKE_TOPIC");
    }

    private static long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
