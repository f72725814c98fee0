package io.inlet.trace;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * Inlet's spans, through the OpenTelemetry API: around object reads, SQL transactions, appends,
 * ledger claims and publishes, each a child of what is current (the delivery's span, which continues
 * the trace the delivery carried). Which SDK records them is the deployment's choice: the one
 * {@link #install}ed, else {@link GlobalOpenTelemetry} (the ADOT Lambda layer sets it), else none.
 *
 * <p>Costs nothing when tracing is off: with no SDK, {@link #enabled()} is false and {@link #span}
 * runs the work directly (no span object, no context switch).
 */
public final class Tracing {

    public static final String INSTRUMENTATION = "io.inlet";

    private static volatile OpenTelemetry installed;
    private static volatile Tracer tracer;

    private Tracing() {
    }

    /** Records spans with {@code openTelemetry} from now on (a function's own SDK, a test's); null: back to the global one. */
    public static synchronized void install(OpenTelemetry openTelemetry) {
        installed = openTelemetry;
        tracer = null;
    }

    public static Tracer tracer() {
        Tracer t = tracer;
        if (t == null) {
            OpenTelemetry o = installed;
            TracerProvider provider = (o != null ? o : GlobalOpenTelemetry.get()).getTracerProvider();
            tracer = t = provider == TracerProvider.noop() ? null : provider.get(INSTRUMENTATION);
            if (t == null) return TracerProvider.noop().get(INSTRUMENTATION);
        }
        return t;
    }

    /** True when an SDK records spans. */
    public static boolean enabled() {
        if (tracer != null) return true;
        tracer();
        return tracer != null;
    }

    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Runs {@code work} in a span {@code name} (kind {@code kind}), child of the current span; a failure
     * is recorded on the span and thrown on. Attributes as key, value pairs.
     */
    public static <T, E extends Exception> T span(String name, SpanKind kind, Work<T, E> work, Object... attributes) throws E {
        if (!enabled()) return work.run();
        Span span = start(name, kind, Context.current(), attributes);
        try (Scope ignored = span.makeCurrent()) {
            return work.run();
        } catch (Exception | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
            throw e;
        } finally {
            span.end();
        }
    }

    /** Starts a span under {@code parent}; the caller ends it. Attributes as key, value pairs (strings or numbers). */
    public static Span start(String name, SpanKind kind, Context parent, Object... attributes) {
        var builder = tracer().spanBuilder(name).setSpanKind(kind).setParent(parent);
        for (int i = 0; i + 1 < attributes.length; i += 2) {
            String key = String.valueOf(attributes[i]);
            Object value = attributes[i + 1];
            if (value instanceof Long || value instanceof Integer) builder.setAttribute(key, ((Number) value).longValue());
            else if (value != null) builder.setAttribute(key, String.valueOf(value));
        }
        return builder.startSpan();
    }

    /**
     * The context of a trace that arrived from elsewhere (a traceparent, an X-Ray header): its ids as
     * the remote parent; the root context when they are null or invalid (a new trace starts).
     */
    public static Context remoteParent(String traceId, String spanId, String flags) {
        if (traceId == null || spanId == null) return Context.root();
        SpanContext remote = SpanContext.createFromRemoteParent(traceId, spanId,
                flags == null ? TraceFlags.getDefault() : TraceFlags.fromHex(flags, 0), TraceState.getDefault());
        return remote.isValid() ? Context.root().with(Span.wrap(remote)) : Context.root();
    }
}
