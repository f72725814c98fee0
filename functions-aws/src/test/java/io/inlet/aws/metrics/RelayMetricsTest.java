package io.inlet.aws.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.outbox.RelayReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The relay's EMF line has the structure of AWS's Embedded Metric Format specification. */
public class RelayMetricsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theRelayReportBecomesOneEmfDocumentInNamespaceInletWithoutDimensions() throws Exception {
        JsonNode doc = JSON.readTree(RelayMetrics.emfLine(new RelayReport(7, 2, 1, 3, 42.5), 1_763_700_000_000L));

        assertEmf(doc, 1_763_700_000_000L);
        assertThat(doc.path("OutboxLagSeconds").asDouble()).isEqualTo(42.5);
        assertThat(doc.path("OutboxPublished").asLong()).isEqualTo(7);
        assertThat(doc.path("OutboxPublishFailed").asLong()).isEqualTo(2);
        assertThat(doc.path("OutboxPending").asLong()).isEqualTo(3);
    }

    @Test
    void blockedOutboxRowsBecomeTheMetricTheBlockedAlarmReads() throws Exception {
        JsonNode doc = JSON.readTree(RelayMetrics.emfLine(new RelayReport(0, 1, 1, 4, 900.0, 1, 2), 1_763_700_000_000L));

        assertEmf(doc, 1_763_700_000_000L);
        assertThat(doc.path("OutboxBlocked").asLong()).isEqualTo(2);
        assertThat(doc.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").findValuesAsText("Name"))
                .contains("OutboxBlocked");
    }

    @Test
    void emitWritesTheDocumentAsASingleLine() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        RelayMetrics.emit(new RelayReport(0, 0, 0, 0, 0.0), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);

        assertThat(out.lines().toList()).hasSize(1);
        JsonNode doc = JSON.readTree(out.strip());
        assertThat(doc.path("_aws").path("Timestamp").asLong()).isPositive();
        assertThat(doc.path("OutboxLagSeconds").asDouble()).isZero();
    }

    /** The EMF structure the alarm of infra's InletAlarms relies on. */
    public static void assertEmf(JsonNode doc, long timestamp) {
        JsonNode aws = doc.path("_aws");
        assertThat(aws.path("Timestamp").isIntegralNumber()).isTrue();
        if (timestamp > 0) assertThat(aws.path("Timestamp").asLong()).isEqualTo(timestamp);
        assertThat(aws.path("CloudWatchMetrics")).hasSize(1);
        JsonNode directive = aws.path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("Inlet");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[]]");
        List<String> metrics = new ArrayList<>();
        for (JsonNode m : directive.path("Metrics")) metrics.add(m.path("Name").asText() + ":" + m.path("Unit").asText());
        assertThat(metrics).containsExactly("OutboxLagSeconds:Seconds", "OutboxPublished:Count",
                "OutboxPublishFailed:Count", "OutboxPending:Count", "OutboxBlocked:Count");
        // every metric named in the directive is a number on the root node
        for (JsonNode m : directive.path("Metrics")) assertThat(doc.path(m.path("Name").asText()).isNumber()).isTrue();
    }
}
