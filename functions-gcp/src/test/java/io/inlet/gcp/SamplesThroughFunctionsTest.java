package io.inlet.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.db.DatabaseSettings;
import io.inlet.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every payload of events-samples/gcp and shared/samples/gcp sent over HTTP to the function its
 * trigger calls, running in the Functions Framework invoker: CloudEvents in binary mode (the
 * recorded {@code .http} requests) and structured mode, push envelopes as push requests. Each is
 * acknowledged; the poison ones leave a FAILED row naming their reason, none is retried.
 */
class SamplesThroughFunctionsTest {

    private static DataSource db;
    private static FunctionInvoker gcs;
    private static FunctionInvoker pubsub;
    private static FunctionInvoker push;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.fresh("order_events");
        DatabaseSettings dbSettings = TestDatabase.settingsFor(db);
        Path work = Files.createTempDirectory("gcp-samples");
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
                messages:
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
        for (String key : List.of("orders/2026/01/orders 0001+eu.csv", "orders/2026/01/orders-0002.csv",
                "orders/2026/01/orders-0003.csv", "orders/2026/01/orders-0004.csv", "orders/2026/01/orders-0005.csv")) {
            Path object = work.resolve("seed/inlet-vendor-drop/" + key);
            Files.createDirectories(object.getParent());
            String id = key.replaceAll("\\D", "");
            Files.writeString(object, "order_id,placed_at\nx-" + id + ",2026-01-15T10:00:00Z\n");
        }
        Map<String, String> env = new HashMap<>();
        env.put("INLET_FEEDS", feeds.toString());
        env.put("INLET_DATABASE_URL", dbSettings.url());
        if (dbSettings.user() != null) env.put("INLET_DATABASE_USER", dbSettings.user());
        if (dbSettings.password() != null) env.put("INLET_DATABASE_PASSWORD", dbSettings.password());
        env.put("INLET_TEST_GCS_SEED", work.resolve("seed").toString());
        gcs = FunctionInvoker.start(GcsObjectFunction.class, env);
        pubsub = FunctionInvoker.start(PubSubEventFunction.class, env);
        push = FunctionInvoker.start(PubSubPushFunction.class, env);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {gcs, pubsub, push}) {
            if (c != null) c.close();
        }
    }

    private static HttpResponse<String> send(Path file) throws Exception {
        String name = file.getFileName().toString();
        FunctionInvoker fn = name.startsWith("push-") ? push : name.contains("storage-") ? gcs : pubsub;
        if (name.endsWith(".http")) return fn.send(RecordedHttpRequest.read(file));
        if (name.startsWith("push-")) return fn.post(Map.of("Content-Type", "application/json"), Files.readAllBytes(file));
        return fn.postStructured(Files.readAllBytes(file));
    }

    private static String failureReason(String messageId) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT reason FROM processed_messages WHERE message_id = ? AND status = 'FAILED'")) {
            s.setString(1, messageId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /** "stream vN" of each event a message appended. */
    private static List<String> stored(String messageId) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT stream_id, schema_version FROM order_events WHERE causation_id = ? ORDER BY stream_id")) {
            s.setString(1, messageId);
            List<String> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) out.add(r.getString(1) + " v" + r.getInt(2));
            }
            return out;
        }
    }

    @Test
    void everySampleIsAcknowledgedAndPoisonIsRecordedWithItsReason() throws Exception {
        List<Path> files = new ArrayList<>(Samples.files(Samples.own()).stream()
                .filter(p -> !p.getFileName().toString().equals("README.md")).toList());
        Samples.shared().ifPresentOrElse(dir -> files.addAll(Samples.files(dir)),
                () -> System.out.println("shared/samples/gcp absent beside the checkout: Google's reference payloads not sent"));
        for (Path file : files) {
            HttpResponse<String> r = send(file);
            assertThat(r.statusCode()).as("%s -> %s%n%s", file.getFileName(), r.body(), gcs.output()).isEqualTo(200);
        }

        // bodies reach the core unclassified: it refuses them once, naming message and channel
        assertThat(failureReason("12000000004")).startsWith("message 12000000004 on channel 'orders': body is not JSON");
        assertThat(failureReason("12000000005")).startsWith("Pub/Sub message 12000000005: message.data is not base64");
        assertThat(failureReason("12000000006")).startsWith("message 12000000006 on channel 'orders': is not a valid structured CloudEvent");
        assertThat(failureReason("13000000004")).startsWith("message 13000000004 on channel 'inlet-orders-push': body is not JSON");
        assertThat(failureReason("12000000001")).isNull();
        // plain JSON arrays: one event per element, with the schema version the message's attribute declares
        assertThat(failureReason("12000000008")).isNull();
        assertThat(failureReason("13000000008")).isNull();
        assertThat(stored("12000000008")).containsExactly("order-o-2001 v2", "order-o-2002 v2");
        assertThat(stored("13000000008")).containsExactly("order-o-2101 v3", "order-o-2102 v3");
        assertThat(failureReason("12000000009")).isEqualTo("message 12000000009 on channel 'orders': attribute "
                + "'schemaVersion': must be a whole number from 1 to 2147483647, found \"2\\u0000\"");
        assertThat(stored("12000000009")).isEmpty();
        if (Samples.shared().isPresent()) {
            assertThat(failureReason("message-id")).startsWith("message message-id on channel 'my-topic': body is not JSON");
        }
    }
}
