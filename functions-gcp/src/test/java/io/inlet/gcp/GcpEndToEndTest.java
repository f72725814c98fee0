package io.inlet.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.pubsub.v1.PubsubMessage;
import io.inlet.db.DatabaseSettings;
import io.inlet.event.TraceContext;
import io.inlet.gcp.pubsub.PubSubBroker;
import io.inlet.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The GCP path end to end, every piece real except GCS (google-cloud-nio's in-memory Storage):
 * PostgreSQL (embedded), the Functions Framework invoker running the functions, the Pub/Sub
 * emulator (or the in-process Publisher service) and the real clients.
 *
 * <p>object finalized -> events in PostgreSQL -> relay -> messages published with attributes and
 * ordering keys -> those messages delivered to the Pub/Sub function append once, however often and
 * however concurrently they arrive.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GcpEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "orders/2026/01/orders-0002.csv";
    private static final String TRACED_KEY = "orders/2026/01/orders-0009.csv";

    private static DataSource db;
    private static PubSubBroker broker;
    private static FunctionInvoker gcs;
    private static FunctionInvoker relay;
    private static FunctionInvoker pubsub;
    private static FunctionInvoker push;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.fresh("order_events", "downstream_events");
        DatabaseSettings dbSettings = TestDatabase.settingsFor(db);
        Path work = Files.createTempDirectory("gcp-e2e");
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
                    shared_streams: true
                    derived:
                      - { events: appended, destination: orders }
                messages:
                  - name: downstream
                    channel: orders-out
                    format: cloudevent
                    table: downstream_events
                  - name: orders-in
                    channel: "*"
                    format: auto
                    mapping:
                      event_type: OrderPlaced
                      stream_id: "order-{orderId}"
                      occurred_at: { column: placedAt, fallback_to_ingestion_time: true }
                      id: { strategy: column, column: orderId }
                    table: order_events
                    shared_streams: true
                """);
        Path object = work.resolve("seed/inlet-vendor-drop/" + KEY);
        Files.createDirectories(object.getParent());
        Files.writeString(object, """
                order_id,customer_id,total,placed_at
                o-1,c-7,42.50,2026-01-15T10:00:00Z
                o-2,c-8,10.00,2026-01-15T10:05:00Z
                o-3,c-7,99.90,2026-01-15T10:07:00Z
                """);
        Path traced = work.resolve("seed/inlet-vendor-drop/" + TRACED_KEY);
        Files.writeString(traced, """
                order_id,customer_id,total,placed_at
                o-21,c-7,1.50,2026-01-16T10:00:00Z
                o-22,c-9,2.50,2026-01-16T10:05:00Z
                """);
        broker = PubSubBroker.startBest();
        broker.createTopic("orders-out");
        broker.createSubscription("orders-out", "orders-out-sub", true);
        Map<String, String> env = new HashMap<>();
        env.put("INLET_FEEDS", feeds.toString());
        env.put("INLET_DATABASE_URL", dbSettings.url());
        if (dbSettings.user() != null) env.put("INLET_DATABASE_USER", dbSettings.user());
        if (dbSettings.password() != null) env.put("INLET_DATABASE_PASSWORD", dbSettings.password());
        env.put("INLET_TEST_GCS_SEED", work.resolve("seed").toString());
        env.put("INLET_DESTINATIONS", "orders=projects/" + PubSubBroker.PROJECT + "/topics/orders-out");
        env.put("INLET_ORDERED_DESTINATIONS", "orders");
        env.put("PUBSUB_EMULATOR_HOST", broker.hostAndPort());
        env.put("INLET_TIMEOUT_SECONDS", "60");
        gcs = FunctionInvoker.start(GcsObjectFunction.class, env);
        relay = FunctionInvoker.start(OutboxRelayFunction.class, env);
        pubsub = FunctionInvoker.start(PubSubEventFunction.class, env);
        push = FunctionInvoker.start(PubSubPushFunction.class, env);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {gcs, relay, pubsub, push, broker}) {
            if (c != null) c.close();
        }
    }

    private static long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    @Order(1)
    void finalizedObjectIsIngestedOnceRelayedWithAttributesAndOrderingKeysAndAppendedDownstreamOnce() throws Exception {
        byte[] finalized = Files.readAllBytes(Samples.own().resolve("storage-finalized-structured-number-fields.json"));

        HttpResponse<String> first = gcs.postStructured(finalized);
        HttpResponse<String> redelivered = gcs.postStructured(finalized);

        assertThat(first.statusCode()).as(gcs.output()).isEqualTo(200);
        assertThat(redelivered.statusCode()).isEqualTo(200);
        assertThat(count("SELECT count(*) FROM order_events")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM ingested_files")).isEqualTo(1);

        HttpResponse<String> relayed = relay.post(Map.of(), new byte[0]);
        assertThat(relayed.statusCode()).as(relay.output()).isEqualTo(200);
        JsonNode report = JSON.readTree(relayed.body());
        assertThat(report.get("published").asLong()).isEqualTo(3);
        assertThat(report.get("failed").asLong()).isZero();
        assertThat(report.get("pending").asLong()).isZero();

        JsonNode relayLine = logLine(relay.output(), "io.inlet.gcp.OutboxRelayFunction", "outbox_lag_seconds");
        assertThat(relayLine.get("severity").asText()).isEqualTo("INFO");
        assertThat(relayLine.get("outbox_lag_seconds").isNumber()).as(relayLine.toString()).isTrue();
        assertThat(relayLine.get("outbox_lag_seconds").asDouble()).isZero();
        assertThat(relayLine.get("outbox_published").asLong()).isEqualTo(3);
        assertThat(relayLine.get("outbox_publish_failed").asLong()).isZero();
        assertThat(relayLine.get("outbox_pending").asLong()).isZero();
        JsonNode fileLine = logLine(gcs.output(), "io.inlet.trigger.DeliveryHandler", "records_appended");
        assertThat(fileLine.get("outcome").asText()).isEqualTo("COMPLETED");
        assertThat(fileLine.get("files_ingested").asInt()).isEqualTo(1);
        assertThat(fileLine.get("records_read").asLong()).isEqualTo(3);
        assertThat(fileLine.get("records_appended").asLong()).isEqualTo(3);
        assertThat(fileLine.get("records_rejected").asLong()).isZero();

        List<PubsubMessage> published = broker.pull("orders-out-sub", 3);
        assertThat(published).hasSize(3);
        assertThat(published).extracting(PubsubMessage::getOrderingKey)
                .containsExactlyInAnyOrder("order-o-1", "order-o-2", "order-o-3");
        for (PubsubMessage m : published) {
            assertThat(m.getAttributesMap()).containsEntry("eventType", "OrderPlaced").containsEntry("schemaVersion", "1")
                    .containsKey("correlationId");
            JsonNode event = JSON.readTree(m.getData().toStringUtf8());
            assertThat(event.get("type").asText()).isEqualTo("OrderPlaced");
            assertThat(event.get("subject").asText()).isEqualTo(m.getOrderingKey());
        }
        assertThat(count("SELECT count(*) FROM outbox WHERE published_at IS NULL")).isZero();
        String ids = String.join("','", published.stream().map(PubsubMessage::getMessageId).toList());
        assertThat(count("SELECT count(*) FROM outbox WHERE broker_message_id IN ('" + ids + "')")).isEqualTo(3);

        // Each published message delivered twice at once and once more later: appended once.
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<HttpResponse<String>>> deliveries = new ArrayList<>();
            for (PubsubMessage m : published) {
                byte[] event = messagePublished(m);
                deliveries.add(() -> pubsub.postStructured(event));
                deliveries.add(() -> pubsub.postStructured(event));
            }
            for (Future<HttpResponse<String>> f : pool.invokeAll(deliveries)) {
                assertThat(f.get().statusCode()).as(pubsub.output()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        for (PubsubMessage m : published) {
            assertThat(pubsub.postStructured(messagePublished(m)).statusCode()).isEqualTo(200);
        }
        assertThat(count("SELECT count(*) FROM downstream_events")).isEqualTo(3);
        assertThat(count("SELECT count(DISTINCT event_id) FROM downstream_events")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM processed_messages WHERE channel = 'orders-out' AND status = 'PROCESSED'"))
                .isEqualTo(3);
    }

    @Test
    @Order(2)
    void overwriteAndMetadataNotificationsIngestNothingAndARealDeleteIsRecorded() throws Exception {
        long before = count("SELECT count(*) FROM order_events");
        for (String sample : List.of("pubsub-gcs-delete-overwritten.json", "pubsub-gcs-archive-overwritten.json",
                "pubsub-gcs-metadata-update.json")) {
            HttpResponse<String> r = pubsub.postStructured(Files.readAllBytes(Samples.own().resolve(sample)));
            assertThat(r.statusCode()).as(sample).isEqualTo(200);
        }
        assertThat(count("SELECT count(*) FROM order_events")).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM ingested_files WHERE object_key = 'orders/2026/01/orders-0003.csv'")).isZero();
    }

    @Test
    @Order(3)
    void pushPoisonIsRecordedWithItsReasonAndAcknowledged() throws Exception {
        HttpResponse<String> r = push.post(Map.of("Content-Type", "application/json"),
                Files.readAllBytes(Samples.own().resolve("push-poison-not-json.json")));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("result").asText()).isEqualTo("gave-up");
        assertThat(count("SELECT count(*) FROM processed_messages WHERE message_id = '13000000004' AND status = 'FAILED' "
                // the body reaches the core unclassified: the core refuses it, once, naming message and channel
                + "AND reason LIKE 'message 13000000004 on channel ''inlet-orders-push'': body is not JSON%'")).isEqualTo(1);
    }

    @Test
    @Order(4)
    void pushBusinessEventIsAppendedOnceAcrossRedeliveries() throws Exception {
        byte[] body = Files.readAllBytes(Samples.own().resolve("push-business-plain-json.json"));
        long before = count("SELECT count(*) FROM order_events");

        HttpResponse<String> first = push.post(Map.of("Content-Type", "application/json"), body);
        HttpResponse<String> again = push.post(Map.of("Content-Type", "application/json"), body);

        assertThat(first.statusCode()).as(push.output()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).get("detail").asText()).isEqualTo("APPENDED");
        assertThat(JSON.readTree(again.body()).get("detail").asText()).isEqualTo("ALREADY_PROCESSED");
        assertThat(count("SELECT count(*) FROM order_events")).isEqualTo(before + 1);
    }

    @Test
    @Order(5)
    void aStorageEventsTraceparentCorrelatesTheFileAndTheRelayedMessagesContinueTheTrace() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        ObjectNode finalized = (ObjectNode) JSON.readTree(Files.readString(Samples.own().resolve("storage-finalized-structured-number-fields.json"))
                .replace("orders-0002.csv", "orders-0009.csv").replace("9245398721456124", "9245398721456999"));
        finalized.put("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");

        HttpResponse<String> r = gcs.postStructured(JSON.writeValueAsBytes(finalized));

        assertThat(r.statusCode()).as(gcs.output()).isEqualTo(200);
        assertThat(strings("SELECT correlation_id FROM ingested_files WHERE object_key = '" + TRACED_KEY + "'")).containsExactly(traceId);
        assertThat(strings("SELECT correlation_id FROM order_events WHERE stream_id IN ('order-o-21', 'order-o-22')"))
                .containsExactly(traceId, traceId);
        assertThat(relay.post(Map.of(), new byte[0]).statusCode()).as(relay.output()).isEqualTo(200);
        List<PubsubMessage> published = broker.pull("orders-out-sub", 2);
        assertThat(published).hasSize(2);
        for (PubsubMessage m : published) {
            String traceparent = m.getAttributesMap().get("traceparent");
            assertThat(TraceContext.parse(traceparent).map(TraceContext::traceId)).contains(traceId);
            assertThat(JSON.readTree(m.getData().toStringUtf8()).get("traceparent").asText()).isEqualTo(traceparent);
        }
    }

    @Test
    @Order(6)
    void aPushedMessagesClientLibraryTraceparentIsTheCorrelationIdOfItsEvent() throws Exception {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        String data = Base64.getEncoder().encodeToString(
                "{\"orderId\": \"o-1009\", \"placedAt\": \"2026-01-15T10:00:00Z\"}".getBytes(StandardCharsets.UTF_8));
        String body = """
                {"message": {"data": "%s", "messageId": "13000000009", "publishTime": "2026-01-15T10:01:00.000Z",
                             "attributes": {"googclient_traceparent": "00-%s-b7ad6b7169203331-01"}},
                 "subscription": "projects/inlet-prod/subscriptions/inlet-orders-push", "deliveryAttempt": 1}
                """.formatted(data, traceId);

        HttpResponse<String> r = push.post(Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));

        assertThat(r.statusCode()).as(push.output()).isEqualTo(200);
        assertThat(strings("SELECT correlation_id FROM order_events WHERE stream_id = 'order-o-1009'")).containsExactly(traceId);
    }

    @Test
    @Order(7)
    void aPushedMessagesExpectedVersionAttributeAppendsAtThatVersionOnlyAndAWrongOneIsGivenUp() throws Exception {
        String data = Base64.getEncoder().encodeToString("{\"orderId\": \"o-2001\"}".getBytes(StandardCharsets.UTF_8));
        String envelope = """
                {"message": {"data": "%s", "messageId": "%s", "publishTime": "2026-01-15T10:01:00.000Z",
                             "attributes": {"expectedVersion": "%s"}},
                 "subscription": "projects/inlet-prod/subscriptions/inlet-orders-push", "deliveryAttempt": 1}
                """;
        Map<String, String> json = Map.of("Content-Type", "application/json");

        HttpResponse<String> first = push.post(json, envelope.formatted(data, "14000000001", "0").getBytes(StandardCharsets.UTF_8));
        // the same event again at the same expected version, as another message: success, nothing appended
        HttpResponse<String> same = push.post(json, envelope.formatted(data, "14000000002", "0").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> stale = push.post(json, envelope.formatted(data, "14000000003", "5").getBytes(StandardCharsets.UTF_8));

        assertThat(JSON.readTree(first.body()).get("detail").asText()).as(push.output()).isEqualTo("APPENDED");
        assertThat(JSON.readTree(same.body()).get("detail").asText()).isEqualTo("APPENDED");
        assertThat(JSON.readTree(stale.body()).get("result").asText()).isEqualTo("gave-up");
        assertThat(strings("SELECT stream_version::text FROM order_events WHERE stream_id = 'order-o-2001'")).containsExactly("1");
        assertThat(strings("SELECT reason FROM processed_messages WHERE message_id = '14000000003' AND status = 'FAILED'"))
                .containsExactly("WRONG_EXPECTED_VERSION: stream 'order-o-2001' of order_events is at version 1, expected 5");
    }

    private static List<String> strings(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) out.add(r.getString(1));
        }
        return out;
    }

    /** The first Cloud Logging JSON line of {@code logger} that carries {@code field}. */
    static JsonNode logLine(String output, String logger, String field) throws Exception {
        for (String line : output.lines().filter(l -> l.startsWith("{")).toList()) {
            JsonNode json = JSON.readTree(line);
            if (logger.equals(json.path("logger").asText()) && json.has(field)) return json;
        }
        throw new AssertionError("no " + logger + " log line with " + field + " in:\n" + output);
    }

    /** The messagePublished CloudEvent Eventarc delivers for a message of the orders-out topic. */
    private static byte[] messagePublished(PubsubMessage m) throws Exception {
        ObjectNode message = JSON.createObjectNode()
                .put("data", Base64.getEncoder().encodeToString(m.getData().toByteArray()))
                .put("messageId", m.getMessageId())
                .put("publishTime", "2026-01-15T10:10:00Z")
                .put("orderingKey", m.getOrderingKey());
        m.getAttributesMap().forEach(message.putObject("attributes")::put);
        ObjectNode event = JSON.createObjectNode()
                .put("specversion", "1.0")
                .put("type", "google.cloud.pubsub.topic.v1.messagePublished")
                .put("source", "//pubsub.googleapis.com/projects/" + PubSubBroker.PROJECT + "/topics/orders-out")
                .put("id", m.getMessageId())
                .put("datacontenttype", "application/json");
        ObjectNode data = event.putObject("data");
        data.put("subscription", "projects/" + PubSubBroker.PROJECT + "/subscriptions/eventarc-orders-out");
        data.set("message", message);
        return JSON.writeValueAsBytes(event);
    }
}
