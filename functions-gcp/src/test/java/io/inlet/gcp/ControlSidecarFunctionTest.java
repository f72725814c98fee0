package io.inlet.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * Control totals through the real Functions Framework invoker and GCS test storage: a file whose
 * sidecar has not arrived is answered done and waits (nothing loaded); the sidecar's own
 * finalized event loads it; a sidecar that declares another count rejects its file, which gets a
 * FileRejected and a FileReceipt and no event; the sidecar itself is never a ledger row.
 */
class ControlSidecarFunctionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "inlet-vendor-drop";
    private static final String FEEDS = """
            version: 1
            feeds:
              - name: vendor-orders
                bucket: inlet-vendor-drop
                key_pattern: "orders/**"
                format: { type: csv }
                control_totals:
                  sidecar: { suffix: .ctl, pattern: 'records=(?<n>\\d+)', count: n, wait: PT6H }
                receipts: { prefix: receipts/, destination: vendor-receipts }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: placed_at }
                  id: { strategy: column, column: order_id }
                table: order_events
                derived: [ { events: summary, destination: ops } ]
            """;
    private static final String DATA = "order_id,customer_id,total,placed_at\n"
            + "o-1,c-1,1.50,2026-01-15T10:00:00Z\no-2,c-1,2.50,2026-01-15T10:00:00Z\n";

    @TempDir
    Path work;

    @Test
    void aFileWaitsForItsSidecarWhichLoadsItOrRejectsIt() throws Exception {
        DataSource db = TestDatabase.fresh("order_events");
        seed("orders/a.csv", DATA);
        seed("orders/b.csv", DATA.replace("o-", "p-"));
        try (FunctionInvoker gcs = FunctionInvoker.start(GcsObjectFunction.class, env(db))) {
            assertThat(gcs.postStructured(finalized("orders/a.csv")).statusCode()).as(gcs.output()).isEqualTo(200);
            assertThat(gcs.postStructured(finalized("orders/b.csv")).statusCode()).as(gcs.output()).isEqualTo(200);
            assertThat(gcs.output()).contains("HELD");
        }
        assertThat(text(db, "SELECT string_agg(status, ',' ORDER BY file_id) FROM control_totals")).isEqualTo("WAITING,WAITING");
        assertThat(text(db, "SELECT count(*) FROM order_events")).isEqualTo("0");

        // the sidecars arrive (the in-memory store is seeded at start: a new instance sees them)
        seed("orders/a.csv.ctl", "records=2\n");
        seed("orders/b.csv.ctl", "records=3\n");
        try (FunctionInvoker gcs = FunctionInvoker.start(GcsObjectFunction.class, env(db))) {
            assertThat(gcs.postStructured(finalized("orders/a.csv.ctl")).statusCode()).as(gcs.output()).isEqualTo(200);
            assertThat(gcs.postStructured(finalized("orders/b.csv.ctl")).statusCode()).as(gcs.output()).isEqualTo(200);
        }

        assertThat(text(db, "SELECT string_agg(object_key || ':' || status, ',' ORDER BY file_id) FROM ingested_files"))
                .isEqualTo("orders/a.csv:COMPLETED,orders/b.csv:REJECTED");
        assertThat(text(db, "SELECT first_error FROM ingested_files WHERE object_key = 'orders/b.csv'"))
                .isEqualTo("control totals do not match: count (sidecar): expected 3, actual 2");
        assertThat(text(db, "SELECT string_agg(stream_id, ',' ORDER BY stream_id) FROM order_events")).isEqualTo("order-o-1,order-o-2");
        assertThat(text(db, "SELECT string_agg(event_type || ':' || (payload->>'outcome'), ',' ORDER BY payload->>'outcome') FROM outbox"
                + " WHERE destination = 'vendor-receipts'")).isEqualTo("FileReceipt:COMPLETED,FileReceipt:REJECTED");
        assertThat(text(db, "SELECT count(*) FROM outbox WHERE event_type = 'FileRejected'")).isEqualTo("1");
    }

    private void seed(String key, String content) throws Exception {
        Path f = work.resolve("seed").resolve(BUCKET).resolve(key);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
    }

    private Map<String, String> env(DataSource db) throws Exception {
        var settings = TestDatabase.settingsFor(db);
        Map<String, String> env = new HashMap<>();
        env.put("INLET_FEEDS", Files.writeString(work.resolve("feeds.yaml"), FEEDS).toString());
        env.put("INLET_DATABASE_URL", settings.url());
        if (settings.user() != null) env.put("INLET_DATABASE_USER", settings.user());
        if (settings.password() != null) env.put("INLET_DATABASE_PASSWORD", settings.password());
        env.put("INLET_TEST_GCS_SEED", work.resolve("seed").toString());
        return env;
    }

    private static byte[] finalized(String key) throws Exception {
        ObjectNode event = JSON.createObjectNode()
                .put("specversion", "1.0")
                .put("type", "google.cloud.storage.object.v1.finalized")
                .put("source", "//storage.googleapis.com/projects/_/buckets/" + BUCKET)
                .put("subject", "objects/" + key)
                .put("id", "finalize-" + key)
                .put("datacontenttype", "application/json");
        event.putObject("data").put("bucket", BUCKET).put("name", key).put("metageneration", "1").put("size", "70");
        return JSON.writeValueAsBytes(event);
    }

    private static String text(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
