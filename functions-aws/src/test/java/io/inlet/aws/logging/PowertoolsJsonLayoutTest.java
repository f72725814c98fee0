package io.inlet.aws.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** What the AWS layout makes of hostile and typed values, logged through SLF4J and logback as the functions do. */
class PowertoolsJsonLayoutTest {

    private static final Logger LOG = LoggerFactory.getLogger("io.inlet.test.Hostile");

    record Counts(long read, long appended) {
    }

    @Test
    void aHostileMessageAndValueStayOneValidJsonLineWithTheTextIntact() throws Exception {
        String hostile = "line1\nline2\r\n\"quoted\" \\ back\u0000nul\u2028sep\t" + "x".repeat(100 * 1024);
        try (LogCapture logs = LogCapture.start("inlet")) {
            LOG.atWarn().addKeyValue("key", hostile).log(hostile);
            assertThat(logs.text().split("\n")).hasSize(1);
            JsonNode line = logs.lines().get(0);
            assertThat(line.get("message").asText()).isEqualTo(hostile);
            assertThat(line.get("key").asText()).isEqualTo(hostile);
            assertThat(line.get("level").asText()).isEqualTo("WARN");
        }
    }

    @Test
    void keyValuesKeepTheirJsonTypesAndNeverOverwriteTheFixedFields() throws Exception {
        try (LogCapture logs = LogCapture.start("inlet")) {
            MDC.put("cold_start", "true");
            MDC.put("function_memory_size", "1024");
            try {
                LOG.atInfo().addKeyValue("fileId", 42L).addKeyValue("ratio", 0.5).addKeyValue("ok", true)
                        .addKeyValue("counts", new Counts(3, 2)).addKeyValue("ids", List.of(1, 2))
                        .addKeyValue("took", Duration.ofMillis(1500)).addKeyValue("nothing", (Object) null)
                        .addKeyValue("level", "spoofed").addKeyValue("message", "spoofed").log("typed");
            } finally {
                MDC.clear();
            }
            JsonNode line = logs.lines().get(0);
            assertThat(line.get("fileId").isIntegralNumber()).isTrue();
            assertThat(line.get("ratio").isDouble()).isTrue();
            assertThat(line.get("ok").isBoolean()).isTrue();
            assertThat(line.get("counts").get("appended").asLong()).isEqualTo(2);
            assertThat(line.get("ids").isArray()).isTrue();
            assertThat(line.get("took").asText()).isEqualTo("PT1.5S");
            assertThat(line.get("nothing").isNull()).isTrue();
            assertThat(line.get("cold_start").isBoolean()).isTrue();
            assertThat(line.get("function_memory_size").isIntegralNumber()).isTrue();
            assertThat(line.get("level").asText()).isEqualTo("INFO");
            assertThat(line.get("message").asText()).isEqualTo("typed");
            assertThat(line.get("kv_level").asText()).isEqualTo("spoofed");
            assertThat(line.get("kv_message").asText()).isEqualTo("spoofed");
        }
    }

    @Test
    void anExceptionIsPowertoolsErrorObject() throws Exception {
        try (LogCapture logs = LogCapture.start("inlet")) {
            LOG.atError().setCause(new IllegalStateException("db \"down\"\nhard")).log("failed");
            assertThat(logs.text().split("\n")).hasSize(1);
            JsonNode error = logs.lines().get(0).get("error");
            assertThat(error.get("name").asText()).isEqualTo("java.lang.IllegalStateException");
            assertThat(error.get("message").asText()).isEqualTo("db \"down\"\nhard");
            assertThat(error.get("stack").asText()).contains("\tat ");
        }
    }

    @Test
    void theDeployedLogbackConfigurationUsesThisLayout() throws Exception {
        String config = new String(PowertoolsJsonLayout.class.getResourceAsStream("/logback.xml").readAllBytes());
        assertThat(config).contains("io.inlet.aws.logging.PowertoolsJsonLayout");
    }
}
