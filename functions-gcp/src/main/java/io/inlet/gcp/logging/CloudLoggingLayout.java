package io.inlet.gcp.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.trigger.TraceLogContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line in the shape Cloud Logging parses from stdout into a structured entry:
 * {@code severity}, {@code message}, {@code time}; the trace of the delivery being handled (MDC, put by
 * the core's {@code DeliveryHandler}) as the special fields {@code logging.googleapis.com/trace}
 * ({@code projects/<project>/traces/<trace id>}, when the project is known),
 * {@code logging.googleapis.com/spanId} and {@code logging.googleapis.com/trace_sampled} (boolean),
 * plus {@code correlation_id}; {@code logging.googleapis.com/labels} with {@code service} and
 * {@code correlation_id} (labels are indexed); then the other MDC entries and the SLF4J key-value pairs
 * at top level with their JSON types (bucket, object, generation, fileId, counts...). The stack trace
 * goes inside the message so Error Reporting picks it up. A key that would overwrite one of these
 * fields is written as {@code kv_<key>}, never dropped.
 */
public final class CloudLoggingLayout extends LayoutBase<ILoggingEvent> {

    static final String TRACE = "logging.googleapis.com/trace";
    static final String SPAN_ID = "logging.googleapis.com/spanId";
    static final String TRACE_SAMPLED = "logging.googleapis.com/trace_sampled";
    static final String LABELS = "logging.googleapis.com/labels";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RESERVED = Set.of("severity", "message", "time", "logger", TRACE, SPAN_ID,
            TRACE_SAMPLED, LABELS, TraceLogContext.TRACE_ID, TraceLogContext.SPAN_ID, TraceLogContext.TRACE_SAMPLED);

    private String projectId = firstNonBlank(System.getenv("GOOGLE_CLOUD_PROJECT"), System.getenv("GCP_PROJECT"),
            System.getenv("INLET_GCP_PROJECT"));
    private String service = firstNonBlank(System.getenv("INLET_SERVICE"), System.getenv("K_SERVICE"), "inlet");

    /** The project of {@code logging.googleapis.com/trace} (default: {@code GOOGLE_CLOUD_PROJECT}, {@code GCP_PROJECT}, {@code INLET_GCP_PROJECT}). */
    public void setProjectId(String projectId) {
        if (projectId != null && !projectId.isBlank()) this.projectId = projectId;
    }

    /** The {@code service} label (default: {@code INLET_SERVICE}, else {@code K_SERVICE}, else {@code inlet}). */
    public void setService(String service) {
        if (service != null && !service.isBlank()) this.service = service;
    }

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
        Map<String, String> mdc = event.getMDCPropertyMap() == null ? Map.of() : event.getMDCPropertyMap();
        String traceId = mdc.get(TraceLogContext.TRACE_ID);
        if (traceId != null && projectId != null) line.put(TRACE, "projects/" + projectId + "/traces/" + traceId);
        if (mdc.get(TraceLogContext.SPAN_ID) != null) line.put(SPAN_ID, mdc.get(TraceLogContext.SPAN_ID));
        if (mdc.get(TraceLogContext.TRACE_SAMPLED) != null) line.put(TRACE_SAMPLED, Boolean.parseBoolean(mdc.get(TraceLogContext.TRACE_SAMPLED)));
        Map<String, String> labels = new HashMap<>();
        labels.put("service", service);
        String correlationId = mdc.get(TraceLogContext.CORRELATION_ID);
        if (correlationId != null) labels.put("correlation_id", correlationId);
        line.set(LABELS, JSON.valueToTree(labels));
        mdc.forEach((key, value) -> {
            if (!key.equals(TraceLogContext.TRACE_ID) && !key.equals(TraceLogContext.SPAN_ID)
                    && !key.equals(TraceLogContext.TRACE_SAMPLED)) put(line, key, value);
        });
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair kv : event.getKeyValuePairs()) put(line, kv.key, kv.value);
        }
        try {
            return JSON.writeValueAsString(line) + CoreConstants.LINE_SEPARATOR;
        } catch (JsonProcessingException e) {
            ObjectNode fallback = JSON.createObjectNode();
            fallback.put("severity", "ERROR");
            fallback.put("message", "log line not serialisable: " + e.getOriginalMessage());
            return fallback + CoreConstants.LINE_SEPARATOR;
        }
    }

    /** {@code value} with its JSON type; anything Jackson cannot write as its {@code toString()}. */
    private static void put(ObjectNode line, String key, Object value) {
        if (key == null) return;
        line.set(RESERVED.contains(key) ? "kv_" + key : key, tree(value));
    }

    private static JsonNode tree(Object value) {
        if (value == null) return JSON.nullNode();
        try {
            return JSON.valueToTree(value);
        } catch (IllegalArgumentException e) {
            return JSON.getNodeFactory().textNode(String.valueOf(value));
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

    private static String firstNonBlank(String... values) {
        for (String v : values) if (v != null && !v.isBlank()) return v;
        return null;
    }
}
