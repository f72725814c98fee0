package io.inlet.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.db.Database;
import io.inlet.db.DatabaseSettings;
import io.inlet.db.Migrations;
import io.inlet.gcp.pubsub.PubSubBroker;
import io.inlet.testing.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transient paths of the functions, in the real Functions Framework invoker: the database going
 * away after the instance started, and a file suspended at the function's deadline. Each answers
 * with a status that makes Eventarc/Pub/Sub redeliver (the CloudEvents functions throw: HTTP 500),
 * and the redeliveries finish the work with exactly the events of one pass.
 */
class FunctionRetryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "inlet-vendor-drop";
    private static final String FEEDS = """
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
            """;

    @TempDir
    Path work;

    @Test
    void databaseDownAfterTheInstanceStartedIsRetriedAndTheRedeliveryAppendsOnce() throws Exception {
        seed("orders/a.csv", orders(1, 3));
        seed("orders/b.csv", orders(4, 6));
        int port = PubSubBroker.freePort();
        Path data = Files.createDirectories(work.resolve("pgdata"));
        EmbeddedPostgres pg = startPostgres(port, data);
        try {
            DatabaseSettings settings = new DatabaseSettings(pg.getJdbcUrl("postgres", "postgres"), "postgres", null);
            DataSource db = Database.dataSource(settings);
            Migrations.apply(db, List.of("order_events"));
            Map<String, String> env = env(settings, "60");
            try (FunctionInvoker gcs = FunctionInvoker.start(GcsObjectFunction.class, env);
                 FunctionInvoker pubsub = FunctionInvoker.start(PubSubEventFunction.class, env)) {
                // Both instances are up and have talked to the database.
                assertThat(gcs.postStructured(finalized("orders/a.csv", 11)).statusCode()).as(gcs.output()).isEqualTo(200);
                assertThat(pubsub.postStructured(businessEvent()).statusCode()).as(pubsub.output()).isEqualTo(200);
                assertThat(count(db, "SELECT count(*) FROM order_events")).isEqualTo(4);

                pg.close();
                HttpResponse<String> fileWhileDown = gcs.postStructured(finalized("orders/b.csv", 12));
                HttpResponse<String> messageWhileDown = pubsub.postStructured(businessEvent("12000000002", "o-2002"));

                assertThat(fileWhileDown.statusCode()).as("a thrown exception: Eventarc redelivers").isEqualTo(500);
                assertThat(messageWhileDown.statusCode()).as("a thrown exception: Pub/Sub redelivers").isEqualTo(500);
                assertThat(gcs.output()).contains("transient failure on").contains("will be redelivered");

                pg = startPostgres(port, data);
                HttpResponse<String> fileRedelivered = gcs.postStructured(finalized("orders/b.csv", 12));
                HttpResponse<String> messageRedelivered = pubsub.postStructured(businessEvent("12000000002", "o-2002"));
                HttpResponse<String> fileAgain = gcs.postStructured(finalized("orders/b.csv", 12));
                HttpResponse<String> messageAgain = pubsub.postStructured(businessEvent("12000000002", "o-2002"));

                assertThat(List.of(fileRedelivered.statusCode(), messageRedelivered.statusCode(), fileAgain.statusCode(),
                        messageAgain.statusCode())).as(gcs.output()).containsOnly(200);
                assertThat(count(db, "SELECT count(*) FROM order_events")).isEqualTo(8);
                assertThat(streams(db)).containsExactly("order-o-1", "order-o-1001", "order-o-2", "order-o-2002", "order-o-3", "order-o-4",
                        "order-o-5", "order-o-6");
                assertThat(count(db, "SELECT count(*) FROM ingested_files WHERE status = 'COMPLETED' AND appended = 3")).isEqualTo(2);
                assertThat(count(db, "SELECT count(*) FROM processed_messages WHERE status = 'PROCESSED'")).isEqualTo(2);
            }
        } finally {
            pg.close();
        }
    }

    @Test
    void fileSuspendedAtTheDeadlineIsRetriedAndRedeliveriesCompleteItWithOnePassOfEvents() throws Exception {
        int records = 20;
        seed("orders/big.csv", orders(1, records));
        DataSource db = TestDatabase.fresh("order_events");
        // INLET_TIMEOUT_SECONDS=5 equals the 5 s safety margin: every invocation starts past its deadline, so
        // each one commits what it read (the core reads at least one record) and suspends at a checkpoint.
        try (FunctionInvoker gcs = FunctionInvoker.start(GcsObjectFunction.class, env(TestDatabase.settingsFor(db), "5"))) {
            byte[] event = finalized("orders/big.csv", 21);
            List<Integer> statuses = new ArrayList<>();
            int status = 0;
            while (status != 200 && statuses.size() <= records + 2) {
                status = gcs.postStructured(event).statusCode();
                statuses.add(status);
            }

            assertThat(statuses.get(0)).as("suspended: the function throws so the event is redelivered").isEqualTo(500);
            assertThat(statuses).hasSizeGreaterThan(2).last().isEqualTo(200);
            assertThat(statuses.subList(0, statuses.size() - 1)).containsOnly(500);
            assertThat(gcs.output()).contains("\"outcome\":\"SUSPENDED\"");
            assertThat(count(db, "SELECT count(*) FROM order_events")).isEqualTo(records);
            assertThat(count(db, "SELECT count(DISTINCT event_id) FROM order_events")).isEqualTo(records);
            assertThat(count(db, "SELECT count(*) FROM ingested_files WHERE status = 'COMPLETED' AND records_read = " + records
                    + " AND appended = " + records + " AND duplicate = 0 AND rejected = 0")).isEqualTo(1);

            assertThat(gcs.postStructured(event).statusCode()).isEqualTo(200);
            assertThat(count(db, "SELECT count(*) FROM order_events")).isEqualTo(records);
        }
    }

    private Map<String, String> env(DatabaseSettings db, String timeoutSeconds) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("INLET_FEEDS", Files.writeString(work.resolve("feeds.yaml"), FEEDS).toString());
        env.put("INLET_DATABASE_URL", db.url());
        if (db.user() != null) env.put("INLET_DATABASE_USER", db.user());
        if (db.password() != null) env.put("INLET_DATABASE_PASSWORD", db.password());
        env.put("INLET_TEST_GCS_SEED", work.resolve("seed").toString());
        env.put("INLET_TIMEOUT_SECONDS", timeoutSeconds);
        return env;
    }

    private static EmbeddedPostgres startPostgres(int port, Path data) throws Exception {
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(data).setCleanDataDirectory(false).start();
    }

    private void seed(String key, String content) throws Exception {
        Path f = work.resolve("seed").resolve(BUCKET).resolve(key);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
    }

    private static String orders(int from, int to) {
        StringBuilder csv = new StringBuilder("order_id,customer_id,total,placed_at\n");
        for (int i = from; i <= to; i++) {
            csv.append("o-").append(i).append(",c-").append(i % 7).append(',').append(i).append(".50,2026-01-15T10:")
                    .append(String.format("%02d", i % 60)).append(":00Z\n");
        }
        return csv.toString();
    }

    /** A structured-mode storage finalized CloudEvent for an object of the seeded bucket. */
    private static byte[] finalized(String key, long generation) throws Exception {
        ObjectNode event = JSON.createObjectNode()
                .put("specversion", "1.0")
                .put("type", "google.cloud.storage.object.v1.finalized")
                .put("source", "//storage.googleapis.com/projects/_/buckets/" + BUCKET)
                .put("subject", "objects/" + key)
                .put("id", "finalize-" + key + "-" + generation)
                .put("datacontenttype", "application/json");
        event.putObject("data").put("bucket", BUCKET).put("name", key).put("generation", Long.toString(generation))
                .put("metageneration", "1").put("size", "100");
        return JSON.writeValueAsBytes(event);
    }

    private static byte[] businessEvent() throws Exception {
        return Files.readAllBytes(Samples.own().resolve("pubsub-business-plain-json.json"));
    }

    /** The plain-JSON business sample with another message id and order id. */
    private static byte[] businessEvent(String messageId, String orderId) throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(businessEvent());
        event.put("id", messageId);
        ObjectNode message = (ObjectNode) event.get("data").get("message");
        message.put("messageId", messageId);
        message.put("data", java.util.Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(JSON.createObjectNode()
                .put("orderId", orderId).put("customerId", "c-9").put("total", "7.00").put("placedAt", "2026-01-15T11:00:00Z"))));
        return JSON.writeValueAsBytes(event);
    }

    private static long count(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static List<String> streams(DataSource db) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT stream_id FROM order_events ORDER BY stream_id")) {
            while (r.next()) ids.add(r.getString(1));
        }
        return ids;
    }
}
