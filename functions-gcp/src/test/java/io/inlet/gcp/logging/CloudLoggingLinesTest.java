package io.inlet.gcp.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.gcp.FunctionInvoker;
import io.inlet.gcp.GcsObjectFunction;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log lines the deployed function writes on stdout (the real Functions Framework invoker, the
 * module's logback.xml, embedded PostgreSQL): Cloud Logging's structured fields, with the
 * CloudEvent's {@code traceparent} as {@code logging.googleapis.com/trace}, {@code spanId},
 * {@code trace_sampled}, the correlation id as a label, and counts as numbers.
 */
class CloudLoggingLinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "inlet-vendor-drop";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
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
    void anIngestedFileIsLoggedWithCloudLoggingsTraceFieldsAndTypedCounts() throws Exception {
        Path f = work.resolve("seed").resolve(BUCKET).resolve("orders/a.csv");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "order_id,customer_id,total,placed_at\no-1,c-1,1.50,2026-01-15T10:00:00Z\no-2,c-1,2.50,2026-01-15T10:01:00Z\n");
        DataSource db = TestDatabase.fresh("order_events");
        var settings = TestDatabase.settingsFor(db);
        Map<String, String> env = new HashMap<>();
        env.put("INLET_FEEDS", Files.writeString(work.resolve("feeds.yaml"), FEEDS).toString());
        env.put("INLET_DATABASE_URL", settings.url());
        if (settings.user() != null) env.put("INLET_DATABASE_USER", settings.user());
        if (settings.password() != null) env.put("INLET_DATABASE_PASSWORD", settings.password());
        env.put("INLET_TEST_GCS_SEED", work.resolve("seed").toString());
        env.put("GOOGLE_CLOUD_PROJECT", "inlet-demo");
        env.put("INLET_SERVICE", "inlet-orders");
        List<JsonNode> lines;
        String output;
        try (FunctionInvoker gcs = FunctionInvoker.start(GcsObjectFunction.class, env)) {
            assertThat(gcs.postStructured(finalized("orders/a.csv", 7)).statusCode()).isEqualTo(200);
            output = gcs.output();
        }
        lines = jsonLines(output);

        JsonNode completed = lines.stream().filter(l -> "COMPLETED".equals(l.path("outcome").asText()) && l.has("records_appended")).findFirst()
                .orElseThrow(() -> new AssertionError(output));
        assertThat(completed.get("severity").asText()).isEqualTo("INFO");
        assertThat(completed.get("message").asText()).contains("orders/a.csv").contains("COMPLETED");
        assertThat(Instant.parse(completed.get("time").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(completed.get("logging.googleapis.com/trace").asText()).isEqualTo("projects/inlet-demo/traces/" + TRACE_ID);
        // GOOGLE_CLOUD_PROJECT set: tracing is on by default (INLET_TRACING), so the line names the function's own
        // delivery span (a child of the incoming 00f067aa0ba902b7), the span Cloud Trace receives
        assertThat(completed.get("logging.googleapis.com/spanId").asText()).matches("[0-9a-f]{16}").isNotEqualTo("00f067aa0ba902b7");
        assertThat(lines).anySatisfy(l -> assertThat(l.path("message").asText()).isEqualTo("spans are exported to Cloud Trace"));
        assertThat(completed.get("logging.googleapis.com/trace_sampled").isBoolean()).isTrue();
        assertThat(completed.get("logging.googleapis.com/trace_sampled").asBoolean()).isTrue();
        assertThat(completed.get("logging.googleapis.com/labels").get("service").asText()).isEqualTo("inlet-orders");
        assertThat(completed.get("logging.googleapis.com/labels").get("correlation_id").asText()).isEqualTo(TRACE_ID);
        assertThat(completed.get("correlation_id").asText()).isEqualTo(TRACE_ID);
        assertThat(completed.get("records_appended").isIntegralNumber()).isTrue();
        assertThat(completed.get("records_appended").asLong()).isEqualTo(2);
        assertThat(completed.get("fileId").isIntegralNumber()).isTrue();
        assertThat(completed.has("trace_id")).isFalse();
        // the core's meters, one line per meter at the end of the request (MetricLogExporter): what the log-based metrics read
        JsonNode files = lines.stream().filter(l -> "files".equals(l.path("metric").asText())).findFirst()
                .orElseThrow(() -> new AssertionError(output));
        assertThat(files.get("value").isIntegralNumber()).isTrue();
        assertThat(files.get("value").asLong()).isEqualTo(1);
        assertThat(files.get("feed").asText()).isEqualTo("vendor-orders");
        assertThat(files.get("outcome").asText()).isEqualTo("COMPLETED");
        assertThat(lines).filteredOn(l -> "cold_start".equals(l.path("metric").asText())).hasSize(1);
        for (JsonNode line : lines) {
            assertThat(line.get("severity").isTextual()).isTrue();
            assertThat(line.get("message").isTextual()).isTrue();
            assertThat(line.get("logging.googleapis.com/labels").get("service").asText()).isEqualTo("inlet-orders");
        }
    }

    /** Every line the function's logback writes: those that open a JSON object must parse as one. */
    private static List<JsonNode> jsonLines(String output) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (!line.startsWith("{")) continue;
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).isNotEmpty();
        return lines;
    }

    private static byte[] finalized(String key, long generation) throws Exception {
        ObjectNode event = JSON.createObjectNode()
                .put("specversion", "1.0")
                .put("type", "google.cloud.storage.object.v1.finalized")
                .put("source", "//storage.googleapis.com/projects/_/buckets/" + BUCKET)
                .put("subject", "objects/" + key)
                .put("id", "finalize-" + key + "-" + generation)
                .put("datacontenttype", "application/json")
                .put("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01");
        event.putObject("data").put("bucket", BUCKET).put("name", key).put("generation", Long.toString(generation))
                .put("metageneration", "1").put("size", "120");
        return JSON.writeValueAsBytes(event);
    }
}
