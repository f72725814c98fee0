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
}
