package io.inlet.trigger;

import io.inlet.event.TraceContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The trace a delivery carries, in the logging context (SLF4J's MDC) while the core handles it, so
 * every line the delivery causes names its correlation id. Cloud layouts map these neutral keys to
 * their own fields (Powertools' {@code correlation_id}; Cloud Logging's
 * {@code logging.googleapis.com/trace}, {@code spanId}, {@code trace_sampled}). Closing restores what
 * was there before (an invocation-wide value set by an entry point), so nesting is safe.
 */
public final class TraceLogContext implements AutoCloseable {

    /** The correlation id of what the delivery causes: the trace id. */
    public static final String CORRELATION_ID = "correlation_id";
    /** The W3C trace id, 32 hex digits. */
    public static final String TRACE_ID = "trace_id";
    /** The W3C parent (span) id, 16 hex digits. */
    public static final String SPAN_ID = "span_id";
    /** {@code true} or {@code false}: the trace's sampled flag. */
    public static final String TRACE_SAMPLED = "trace_sampled";

    private final Map<String, String> previous;

    private TraceLogContext(Map<String, String> previous) {
        this.previous = previous;
    }

    /** Puts {@code trace} into the logging context until {@link #close()}; nothing when it is null. */
    public static TraceLogContext open(TraceContext trace) {
        Map<String, String> values = values(trace);
        Map<String, String> previous = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            previous.put(key, MDC.get(key));
            MDC.put(key, value);
        });
        return new TraceLogContext(previous);
    }

    /** The logging-context entries that name {@code trace}; empty when it is null. */
    public static Map<String, String> values(TraceContext trace) {
        if (trace == null) return Map.of();
        Map<String, String> values = new LinkedHashMap<>();
        values.put(CORRELATION_ID, trace.traceId());
        values.put(TRACE_ID, trace.traceId());
        values.put(SPAN_ID, trace.parentId());
        values.put(TRACE_SAMPLED, Boolean.toString((Integer.parseInt(trace.flags(), 16) & 1) == 1));
        return values;
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) MDC.remove(key);
            else MDC.put(key, value);
        });
    }
}
