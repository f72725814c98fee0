package io.inlet.aws.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One flat JSON object per line in the shape Powertools for AWS Lambda (Java) writes, so the
 * CloudWatch Logs Insights queries its users have work unchanged: {@code level}, {@code message},
 * ISO-8601 {@code timestamp}, {@code service}, the Lambda context fields the entry point puts into
 * the MDC ({@code cold_start} and {@code function_memory_size} typed as boolean and number,
 * {@code function_name}, {@code function_request_id}, {@code xray_trace_id}, {@code correlation_id}...),
 * then every SLF4J key-value pair at top level with its JSON type (numbers as numbers). An exception
 * is Powertools' {@code error} object ({@code name}, {@code message}, {@code stack}). A key that
 * would overwrite one of these fields is written as {@code kv_<key>} instead, never dropped.
 */
public final class PowertoolsJsonLayout extends LayoutBase<ILoggingEvent> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> BOOLEANS = Set.of("cold_start", "trace_sampled");
    private static final Set<String> NUMBERS = Set.of("function_memory_size");
    private static final Set<String> RESERVED = Set.of("level", "message", "timestamp", "service", "logger", "error");

    private String service = firstNonBlank(System.getenv("POWERTOOLS_SERVICE_NAME"), System.getenv("INLET_SERVICE"),
            System.getenv("AWS_LAMBDA_FUNCTION_NAME"), "inlet");

    /** The {@code service} field (default: {@code POWERTOOLS_SERVICE_NAME}, else {@code INLET_SERVICE}, else the function name). */
    public void setService(String service) {
        if (service != null && !service.isBlank()) this.service = service;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        ObjectNode line = JSON.createObjectNode();
        line.put("level", event.getLevel().toString());
        line.put("message", event.getFormattedMessage());
        line.put("timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        line.put("service", service);
        line.put("logger", event.getLoggerName());
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null) mdc.forEach((key, value) -> JsonFields.put(line, RESERVED, key, typed(key, value)));
        JsonFields.putKeyValues(line, RESERVED, event.getKeyValuePairs());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            ObjectNode error = line.putObject("error");
            error.put("name", thrown.getClassName());
            error.put("message", thrown.getMessage());
            error.put("stack", ThrowableProxyUtil.asString(thrown));
        }
        return JsonFields.write(line) + CoreConstants.LINE_SEPARATOR;
    }

    private static Object typed(String key, String value) {
        if (value == null) return null;
        if (BOOLEANS.contains(key)) return Boolean.valueOf(value);
        if (NUMBERS.contains(key)) {
            try {
                return Long.valueOf(value);
            } catch (NumberFormatException e) {
                return value;
            }
        }
        return value;
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) if (v != null && !v.isBlank()) return v;
        return null;
    }
}
