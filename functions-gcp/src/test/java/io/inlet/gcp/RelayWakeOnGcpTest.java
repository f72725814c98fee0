package io.inlet.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.inlet.db.DatabaseSettings;
import io.inlet.gcp.decode.MessagePublishedDecoder;
import io.inlet.gcp.pubsub.PubSubBroker;
import io.inlet.outbox.RelayWakeSettings;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.SettingException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The post-commit wake-up on GCP, each function in its own Functions Framework process, the Pub/Sub
 * emulator (or the in-process service) and the real clients: an object finalized into GcsObjectFunction,
 * or a business message delivered to PubSubEventFunction (Eventarc) or PubSubPushFunction (a push
 * subscription), leaves one wake on the wake topic; that wake, pushed to OutboxRelayFunction as a push
 * envelope, relays the derived events to their topic. Which deliveries send no wake (a feed without derived
 * routes, a redelivery, events appended before) is read from the wake counters of an in-process runtime: a
 * commit the rule would wake for is counted even when the window coalesces it, so "nothing counted" is
 * proof, where "nothing on the topic" could be a coalesced wake.
 */
class RelayWakeOnGcpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "orders/2026/01/orders-0002.csv";
    /** The wake topic of the in-process runtime (the functions' processes wake through inlet-relay-wake). */
    private static final String IN_PROCESS_WAKES = "inlet-relay-wake-in-process";

    private static DataSource db;
    private static PubSubBroker broker;
    private static FunctionInvoker gcs;
    private static FunctionInvoker relay;
    private static FunctionInvoker eventarc;
    private static FunctionInvoker push;
    private static Path feeds;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.fresh("order_events", "payment_events", "audit_events");
        DatabaseSettings dbSettings = TestDatabase.settingsFor(db);
        Path work = Files.createTempDirectory("gcp-wake");
        feeds = Files.writeString(work.resolve("feeds.yaml"), """
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
                messages:
                  - name: payments
                    channel: payments-in
                    format: json
                    mapping:
                      event_type: { column: type }
                      stream_id: "account-{account}"
                      occurred_at: { column: at, formats: ["iso"] }
                      id: { strategy: column, column: id }
                    table: payment_events
                    derived:
                      - { events: appended, destination: payments }
                  - name: audit
                    channel: audit-in
                    format: json
                    mapping:
                      event_type: { column: type }
                      stream_id: "account-{account}"
                      occurred_at: { column: at, formats: ["iso"] }
                      id: { strategy: column, column: id }
                    table: audit_events
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
        broker.createTopic("payments-out");
        broker.createSubscription("payments-out", "payments-out-sub", false);
        broker.createTopic(IN_PROCESS_WAKES);
        broker.createSubscription(IN_PROCESS_WAKES, IN_PROCESS_WAKES + "-sub", false);
        broker.createTopic("inlet-relay-wake");
        broker.createSubscription("inlet-relay-wake", "inlet-relay-wake-push", false);
        Map<String, String> env = new HashMap<>();
        env.put("INLET_FEEDS", feeds.toString());
        env.put("INLET_DATABASE_URL", dbSettings.url());
        if (dbSettings.user() != null) env.put("INLET_DATABASE_USER", dbSettings.user());
        if (dbSettings.password() != null) env.put("INLET_DATABASE_PASSWORD", dbSettings.password());
        env.put("INLET_TEST_GCS_SEED", work.resolve("seed").toString());
        env.put("INLET_DESTINATIONS", "orders=projects/" + PubSubBroker.PROJECT + "/topics/orders-out,payments=projects/"
                + PubSubBroker.PROJECT + "/topics/payments-out");
        env.put("PUBSUB_EMULATOR_HOST", broker.hostAndPort());
        env.put("INLET_TIMEOUT_SECONDS", "60");
        env.put("INLET_RELAY_WAKE_TOPIC", "projects/" + PubSubBroker.PROJECT + "/topics/inlet-relay-wake");
        gcs = FunctionInvoker.start(GcsObjectFunction.class, env);
        relay = FunctionInvoker.start(OutboxRelayFunction.class, env);
        eventarc = FunctionInvoker.start(PubSubEventFunction.class, env);
        // a push subscription names only itself: the channel comes from INLET_CHANNEL, as the IaC sets it
        Map<String, String> pushEnv = new HashMap<>(env);
        pushEnv.put("INLET_CHANNEL", "payments-in");
        push = FunctionInvoker.start(PubSubPushFunction.class, pushEnv);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {gcs, relay, eventarc, push, broker}) {
            if (c != null) c.close();
        }
    }

    @Test
    void aFinalizedObjectWakesTheRelayWhosePushedWakePublishesTheDerivedEvents() throws Exception {
        byte[] finalized = Files.readAllBytes(Samples.own().resolve("storage-finalized-structured-number-fields.json"));
        HttpResponse<String> ingested = gcs.postStructured(finalized);
        assertThat(ingested.statusCode()).as(gcs.output()).isEqualTo(200);
        assertThat(count("SELECT count(*) FROM inlet.outbox WHERE destination = 'orders' AND published_at IS NULL")).isEqualTo(2);

        assertThat(pushTheOneWakeToTheRelay()).isEqualTo(2);
        assertThat(broker.pull("orders-out-sub", 2)).hasSize(2);
    }

    @Test
    void aPublishedMessageIntoAFeedWithADerivedRouteWakesTheRelayWhoseWakePublishesTheDerivedEvent() throws Exception {
        HttpResponse<String> ingested = eventarc.postStructured(JSON.writeValueAsBytes(messagePublished("payments-in", "msg-e1",
                payment("pay-e1"))));
        assertThat(ingested.statusCode()).as(eventarc.output()).isEqualTo(200);
        assertThat(count("SELECT count(*) FROM inlet.outbox WHERE destination = 'payments' AND published_at IS NULL")).isEqualTo(1);

        assertThat(pushTheOneWakeToTheRelay()).isEqualTo(1);
        assertTheDerivedEventOf("pay-e1");
    }

    @Test
    void aMessagePushedByItsSubscriptionIntoAFeedWithADerivedRouteWakesTheRelayWhoseWakePublishesTheDerivedEvent()
            throws Exception {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.set("message", pubsubMessage("msg-p1", payment("pay-p1")));
        envelope.put("subscription", "projects/" + PubSubBroker.PROJECT + "/subscriptions/payments-in-push");
        HttpResponse<String> ingested = push.post(Map.of("Content-Type", "application/json"), JSON.writeValueAsBytes(envelope));
        assertThat(ingested.statusCode()).as(push.output()).isEqualTo(200);
        assertThat(JSON.readTree(ingested.body()).get("result").asText()).isEqualTo("done");

        assertThat(pushTheOneWakeToTheRelay()).isEqualTo(1);
        assertTheDerivedEventOf("pay-p1");
    }

    @Test
    void aMessageIntoAFeedWithoutDerivedRoutesSendsNoWake() throws Exception {
        try (GcpRuntime runtime = inProcessRuntime()) {
            new PubSubEventFunction(runtime).accept(cloudEvent(messagePublished("audit-in", "msg-a1", payment("aud-1"))));

            assertThat(count("SELECT count(*) FROM audit_events")).isEqualTo(1);
            assertThat(wakesCounted(runtime)).isZero();
            assertThat(broker.pull(IN_PROCESS_WAKES + "-sub", 0)).isEmpty();
        }
    }

    @Test
    void aRedeliveredMessageAndAMessageWhoseEventsWereAppendedBeforeSendNoWake() throws Exception {
        try (GcpRuntime runtime = inProcessRuntime()) {
            PubSubEventFunction function = new PubSubEventFunction(runtime);
            ObjectNode first = messagePublished("payments-in", "msg-r1", payment("pay-r1"));
            function.accept(cloudEvent(first));
            assertThat(wakesCounted(runtime)).isEqualTo(1);
            assertThat(broker.pull(IN_PROCESS_WAKES + "-sub", 1)).hasSize(1);

            // Pub/Sub delivers the same message again: ALREADY_PROCESSED
            function.accept(cloudEvent(first));
            // the same event under a new message id (a publisher's retry): APPENDED with 0 new events, 1 duplicate
            function.accept(cloudEvent(messagePublished("payments-in", "msg-r1-again", payment("pay-r1"))));

            assertThat(count("SELECT count(*) FROM payment_events WHERE payload->>'id' = 'pay-r1'")).isEqualTo(1);
            assertThat(count("SELECT count(*) FROM inlet.outbox WHERE published_at IS NULL")).isEqualTo(1);
            // counted even if the window had coalesced it: nothing was
            assertThat(wakesCounted(runtime)).isEqualTo(1);
            assertThat(broker.pull(IN_PROCESS_WAKES + "-sub", 0)).isEmpty();

            // the first delivery's one derived event, published once
            assertThat(new OutboxRelayFunction(runtime).relay().published()).isEqualTo(1);
            assertTheDerivedEventOf("pay-r1");
        }
    }

    @Test
    void theWakeTopicIsOptionalAndAWrongValueFailsStartUpNamingItsVariable() {
        assertThat(WakeTopic.fromEnvironment(Map.of())).isNull();
        assertThat(WakeTopic.fromEnvironment(Map.of("INLET_RELAY_WAKE_TOPIC", "projects/p/topics/w",
                "INLET_RELAY_WAKE_WINDOW_MS", "250")).settings().window()).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> WakeTopic.fromEnvironment(Map.of("INLET_RELAY_WAKE_TOPIC", "inlet-relay-wake")))
                .isInstanceOf(SettingException.class).hasMessageStartingWith("INLET_RELAY_WAKE_TOPIC");
    }

    /** Pulls the one wake on the wake topic and pushes it to the relay's URL as its push subscription would; what it published. */
    private static long pushTheOneWakeToTheRelay() throws Exception {
        List<PubsubMessage> wakes = broker.pull("inlet-relay-wake-push", 1);
        assertThat(wakes).hasSize(1);
        ObjectNode envelope = JSON.createObjectNode();
        envelope.putObject("message").put("messageId", wakes.get(0).getMessageId())
                .put("data", Base64.getEncoder().encodeToString(wakes.get(0).getData().toByteArray()));
        envelope.put("subscription", "projects/" + PubSubBroker.PROJECT + "/subscriptions/inlet-relay-wake-push");
        HttpResponse<String> relayed = relay.post(Map.of("Content-Type", "application/json"), JSON.writeValueAsBytes(envelope));
        assertThat(relayed.statusCode()).as(relay.output()).isEqualTo(200);
        assertThat(relay.output()).contains("woken relay done");
        return JSON.readTree(relayed.body()).get("published").asLong();
    }

    /** The payments destination's topic received exactly one message, the derived event of the payment {@code id}. */
    private static void assertTheDerivedEventOf(String id) throws Exception {
        List<PubsubMessage> derived = broker.pull("payments-out-sub", 1);
        assertThat(derived).hasSize(1);
        assertThat(derived.get(0).getAttributesMap()).containsEntry("eventType", "PaymentTaken");
        assertThat(JSON.readTree(derived.get(0).getData().toStringUtf8()).path("data").path("id").asText()).isEqualTo(id);
        assertThat(count("SELECT count(*) FROM inlet.outbox WHERE published_at IS NULL")).isZero();
    }

    /** The functions' own runtime in this JVM, waking through its own topic, so its wakes can be counted. */
    private static GcpRuntime inProcessRuntime() {
        GcpSettings settings = new GcpSettings(feeds.toString(), "jdbc:postgresql://test/inlet", null, null,
                Map.of("payments", TopicName.of(PubSubBroker.PROJECT, "payments-out")), Set.of(), null, broker.hostAndPort(),
                Duration.ofSeconds(60));
        return GcpRuntime.create(settings, LocalStorageHelper.getOptions().getService(), db,
                new WakeTopic(TopicName.of(PubSubBroker.PROJECT, IN_PROCESS_WAKES), RelayWakeSettings.DEFAULTS));
    }

    /** Commits the wake rule took for ones that queued outbox rows: sent, coalesced into a sent one, or failed. */
    private static double wakesCounted(GcpRuntime runtime) {
        var meters = runtime.inlet().meterRegistry();
        return meters.counter("inlet.relay.wakes", "result", "SENT").count()
                + meters.counter("inlet.relay.wakes", "result", "COALESCED").count()
                + meters.counter("inlet.relay.wakes", "result", "FAILED").count();
    }

    private static String payment(String id) {
        return "{\"id\":\"" + id + "\",\"type\":\"PaymentTaken\",\"account\":\"a-1\",\"at\":\"2026-01-15T10:00:00Z\","
                + "\"amount\":\"12.50\"}";
    }

    /** A PubsubMessage as Eventarc and push subscriptions carry it. */
    private static ObjectNode pubsubMessage(String messageId, String body) {
        return JSON.createObjectNode().put("data", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)))
                .put("messageId", messageId).put("publishTime", "2026-01-15T10:00:01Z");
    }

    /** The structured messagePublished CloudEvent Eventarc delivers for a message of {@code topic}. */
    private static ObjectNode messagePublished(String topic, String messageId, String body) {
        ObjectNode event = JSON.createObjectNode()
                .put("specversion", "1.0")
                .put("type", MessagePublishedDecoder.TYPE)
                .put("source", "//pubsub.googleapis.com/projects/" + PubSubBroker.PROJECT + "/topics/" + topic)
                .put("id", messageId)
                .put("datacontenttype", "application/json");
        ObjectNode data = event.putObject("data");
        data.put("subscription", "projects/" + PubSubBroker.PROJECT + "/subscriptions/eventarc-" + topic);
        data.set("message", pubsubMessage(messageId, body));
        return event;
    }

    private static CloudEvent cloudEvent(ObjectNode structured) throws Exception {
        return CloudEventBuilder.v1().withId(structured.get("id").asText()).withType(structured.get("type").asText())
                .withSource(URI.create(structured.get("source").asText()))
                .withData("application/json", JSON.writeValueAsBytes(structured.get("data"))).build();
    }

    private static long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
