package io.inlet.gcp.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line in the shape Cloud Logging parses from stdout: {@code severity},
 * {@code message}, {@code time}, the logger, the SLF4J key-value pairs and MDC entries as top-level
 * fields (bucket, object, generation, fileId, counts...), and the stack trace inside the message so
 * Error Reporting picks it up.
 */
public final class CloudLoggingLayout extends LayoutBase<ILoggingEvent> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String doLayout(ILoggingEvent event) {
        ObjectNode line = JSON.createObjectNode();
        line.put("severity", severity(event.getLevel()));
        String message = event.getFormattedMessage();
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) message = message + "\n" + ThrowableProxyUtil.asString(thrown);
        line.put("message", message);
        line.put("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        line.put("logger", event.getLoggerName());
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null) mdc.forEach(line::put);
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair kv : event.getKeyValuePairs()) {
                line.set(kv.key, JSON.valueToTree(kv.value));
            }
        }
        try {
            return JSON.writeValueAsString(line) + CoreConstants.LINE_SEPARATOR;
        } catch (JsonProcessingException e) {
            return "{\"severity\":\"ERROR\",\"message\":\"log line not serialisable: " + e.getOriginalMessage().replace('"', '\'')
                    + "\"}" + CoreConstants.LINE_SEPARATOR;
        }
    }

    static String severity(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "ERROR";
            case Level.WARN_INT -> "WARNING";
            case Level.INFO_INT -> "INFO";
            default -> "DEBUG";
        };
    }
}
