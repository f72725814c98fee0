package io.inlet.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.Inlet;
import io.inlet.feed.FeedRegistry;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A paused feed in the real Functions Framework invoker: the object notification is answered as
 * done (200, no redelivery storm, no dead letter), the version is held in the ledger, and a
 * redelivery while paused keeps one row and loads nothing.
 */
class PausedFeedFunctionTest {

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
            """;

    @TempDir
    Path work;

    @Test
    void aHeldFileIsAnsweredDoneAndARedeliveryWhilePausedKeepsOneRow() throws Exception {
        Path f = work.resolve("seed").resolve(BUCKET).resolve("orders/a.csv");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "order_id,customer_id,total,placed_at\no-1,c-1,1.50,2026-01-15T10:00:00Z\n");
        DataSource db = TestDatabase.fresh("order_events");
        Inlet.builder().dataSource(db).feeds(FeedRegistry.parse(FEEDS, "feeds.yaml")).build()
                .pauseFeed("vendor-orders", "ops", "vendor incident");
        var settings = TestDatabase.settingsFor(db);
        Map<String, String> env = new HashMap<>();
        env.put("INLET_FEEDS", Files.writeString(work.resolve("feeds.yaml"), FEEDS).toString());
        env.put("INLET_DATABASE_URL", settings.url());
        if (settings.user() != null) env.put("INLET_DATABASE_USER", settings.user());
        if (settings.password() != null) env.put("INLET_DATABASE_PASSWORD", settings.password());
        env.put("INLET_TEST_GCS_SEED", work.resolve("seed").toString());
        try (FunctionInvoker gcs = FunctionInvoker.start(GcsObjectFunction.class, env)) {
            assertThat(gcs.postStructured(finalized("orders/a.csv", 7)).statusCode()).isEqualTo(200);
            assertThat(gcs.postStructured(finalized("orders/a.csv", 7)).statusCode()).isEqualTo(200);
            assertThat(gcs.output()).contains("HELD");
        }
        assertThat(text(db, "SELECT string_agg(status, ',') FROM ingested_files")).isEqualTo("HELD");
        assertThat(text(db, "SELECT count(*) FROM order_events")).isEqualTo("0");
    }

    private static byte[] finalized(String key, long generation) throws Exception {
        ObjectNode event = JSON.createObjectNode()
                .put("specversion", "1.0")
                .put("type", "google.cloud.storage.object.v1.finalized")
                .put("source", "//storage.googleapis.com/projects/_/buckets/" + BUCKET)
                .put("subject", "objects/" + key)
                .put("id", "finalize-" + key + "-" + generation)
                .put("datacontenttype", "application/json");
        event.putObject("data").put("bucket", BUCKET).put("name", key).put("generation", Long.toString(generation))
                .put("metageneration", "1").put("size", "70");
        return JSON.writeValueAsBytes(event);
    }

    private static String text(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
