package io.inlet.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A function deployed without its configuration fails its invocations with a message naming the variable. */
class FunctionStartupTest {

    @Test
    void missingDatabaseUrlAnswers503SoPubSubRedeliversAndLogsTheVariableName() throws Exception {
        try (FunctionInvoker fn = FunctionInvoker.start(PubSubPushFunction.class, Map.of("INLET_FEEDS", "classpath:feeds.yaml"))) {
            HttpResponse<String> r = fn.post(Map.of("Content-Type", "application/json"),
                    "{\"message\":{\"messageId\":\"1\",\"data\":\"e30=\"}}".getBytes(StandardCharsets.UTF_8));

            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("{\"result\":\"retry\",\"detail\":\"INLET_DATABASE_URL is not set: "
                    + "the PostgreSQL JDBC URL, e.g. jdbc:postgresql://10.0.0.3:5432/inlet\"}");
            Thread.sleep(200);
            assertThat(fn.output()).contains("cannot start: INLET_DATABASE_URL is not set: the PostgreSQL JDBC URL");
        }
    }

    @Test
    void theStartupFailureIsLoggedAsOneCloudLoggingJsonLine() throws Exception {
        try (FunctionInvoker fn = FunctionInvoker.start(GcsObjectFunction.class, Map.of())) {
            fn.post(Map.of("Content-Type", "application/json", "ce-specversion", "1.0", "ce-id", "x-1",
                    "ce-type", "google.cloud.storage.object.v1.finalized",
                    "ce-source", "//storage.googleapis.com/projects/_/buckets/drop"), "{}".getBytes(StandardCharsets.UTF_8));
            Thread.sleep(200);
            ObjectMapper json = new ObjectMapper();
            JsonNode line = null;
            for (String l : fn.output().lines().filter(l -> l.startsWith("{")).toList()) {
                JsonNode n = json.readTree(l);
                if (n.path("logger").asText().equals("io.inlet.gcp.GcpRuntime")) line = n;
            }
            assertThat(line).as("JSON log line of GcpRuntime in:%n%s", fn.output()).isNotNull();
            assertThat(line.get("severity").asText()).isEqualTo("ERROR");
            assertThat(line.get("message").asText()).startsWith("cannot start: INLET_FEEDS is not set: where the feeds file is");
        }
    }
}
