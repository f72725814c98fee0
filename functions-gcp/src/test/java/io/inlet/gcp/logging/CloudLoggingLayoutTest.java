package io.inlet.gcp.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class CloudLoggingLayoutTest {

    private final LoggerContext context = new LoggerContext();
    private final Logger logger;

    CloudLoggingLayoutTest() {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        logger = context.getLogger("io.inlet.trigger.DeliveryHandler");
    }

    private JsonNode layout(LoggingEvent event) throws Exception {
        CloudLoggingLayout layout = new CloudLoggingLayout();
        layout.setContext(context);
        layout.start();
        String line = layout.doLayout(event);
        assertThat(line).endsWith(System.lineSeparator()).doesNotContain("\n" + "{");
        assertThat(line.strip().lines()).hasSize(1);
        return new ObjectMapper().readTree(line);
    }

    @Test
    void writesSeverityMessageAndKeyValueFieldsAsOneJsonLine() throws Exception {
        LoggingEvent event = new LoggingEvent("fqcn", logger, Level.INFO, "object {} {}", null,
                new Object[] {"drop/a.csv#17", "COMPLETED"});
        event.setTimeStamp(1_737_000_000_123L);
        event.setKeyValuePairs(List.of(new KeyValuePair("bucket", "drop"), new KeyValuePair("generation", "17"),
                new KeyValuePair("fileId", 42L)));

        JsonNode json = layout(event);

        assertThat(json.get("severity").asText()).isEqualTo("INFO");
        assertThat(json.get("message").asText()).isEqualTo("object drop/a.csv#17 COMPLETED");
        assertThat(json.get("time").asText()).isEqualTo("2025-01-16T04:00:00.123Z");
        assertThat(json.get("logger").asText()).isEqualTo("io.inlet.trigger.DeliveryHandler");
        assertThat(json.get("bucket").asText()).isEqualTo("drop");
        assertThat(json.get("generation").asText()).isEqualTo("17");
        assertThat(json.get("fileId").asLong()).isEqualTo(42L);
    }

    @Test
    void warningsUseCloudLoggingSeverityNamesAndCarryTheStackTrace() throws Exception {
        LoggingEvent event = new LoggingEvent("fqcn", logger, Level.WARN, "transient failure", new IllegalStateException("db down"), null);

        JsonNode json = layout(event);

        assertThat(json.get("severity").asText()).isEqualTo("WARNING");
        assertThat(json.get("message").asText()).startsWith("transient failure\njava.lang.IllegalStateException: db down\n\tat ");
    }

    @Test
    void aHostileMessageAndValueStayOneValidJsonLineWithTheTextIntact() throws Exception {
        String hostile = "line1\nline2\r\n\"quoted\" \\ back\u0000nul\u2028sep\t" + "x".repeat(100 * 1024);
        LoggingEvent event = new LoggingEvent("fqcn", logger, Level.INFO, hostile, null, null);
        event.setKeyValuePairs(List.of(new KeyValuePair("key", hostile), new KeyValuePair("took", java.time.Duration.ofMillis(1500)),
                new KeyValuePair("severity", "spoofed")));

        JsonNode json = layout(event);

        assertThat(json.get("message").asText()).isEqualTo(hostile);
        assertThat(json.get("key").asText()).isEqualTo(hostile);
        assertThat(json.get("took").asText()).isEqualTo("PT1.5S");
        assertThat(json.get("severity").asText()).isEqualTo("INFO");
        assertThat(json.get("kv_severity").asText()).isEqualTo("spoofed");
    }

    @Test
    void theTraceInTheLoggingContextBecomesCloudLoggingsTraceFieldsAndALabel() throws Exception {
        LoggingEvent event = new LoggingEvent("fqcn", logger, Level.INFO, "traced", null, null);
        event.setMDCPropertyMap(java.util.Map.of("correlation_id", "4bf92f3577b34da6a3ce929d0e0e4736",
                "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736", "span_id", "00f067aa0ba902b7", "trace_sampled", "false"));
        CloudLoggingLayout layout = new CloudLoggingLayout();
        layout.setProjectId("p-1");
        layout.setService("svc");
        layout.setContext(context);
        layout.start();
        JsonNode json = new ObjectMapper().readTree(layout.doLayout(event));

        assertThat(json.get("logging.googleapis.com/trace").asText()).isEqualTo("projects/p-1/traces/4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(json.get("logging.googleapis.com/spanId").asText()).isEqualTo("00f067aa0ba902b7");
        assertThat(json.get("logging.googleapis.com/trace_sampled").isBoolean()).isTrue();
        assertThat(json.get("logging.googleapis.com/trace_sampled").asBoolean()).isFalse();
        assertThat(json.get("logging.googleapis.com/labels").get("service").asText()).isEqualTo("svc");
        assertThat(json.get("logging.googleapis.com/labels").get("correlation_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(json.get("correlation_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(json.has("trace_id")).isFalse();
    }
}
