package io.inlet.aws.trace;

import io.inlet.trace.Tracing;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AWS functions' span export, chosen once per execution environment ({@link #start}) and installed as
 * {@link Tracing}'s SDK:
 * <ul>
 *   <li>{@link Mode#XRAY}: Inlet's spans are batched in memory and sent to the Lambda X-Ray daemon over UDP
 *       ({@link XRayUdpSpanExporter}) when the invocation ends ({@link #flush()}: Lambda freezes the sandbox
 *       after the handler returns, so a batch left for later might leave only minutes later, or never).
 *       Parent-based sampling: the X-Ray header or a delivery's trace decides; a trace that starts here is
 *       kept at {@link TraceSettings#sampleRatio()}, with an X-Ray-compatible trace id.</li>
 *   <li>{@link Mode#LAYER}: an OpenTelemetry layer (the ADOT Java agent or wrapper) already installed an SDK
 *       as {@link GlobalOpenTelemetry}; Inlet's spans go to it and nothing here exports (no double export).</li>
 *   <li>{@link Mode#OFF}: no spans at all, whatever a layer installed.</li>
 * </ul>
 * Exporting never fails an invocation: a failed send is logged and the trace lost.
 */
public final class XRayTracing implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(XRayTracing.class);
    /** How long the end of an invocation waits for its spans to be handed to the daemon (a local UDP send). */
    static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(2);

    /** Which SDK records Inlet's spans. */
    public enum Mode { XRAY, LAYER, OFF }

    /** Nothing installed, nothing to flush (environments built by tests and tools). */
    public static final XRayTracing NONE = new XRayTracing(Mode.OFF, null, null);

    private final Mode mode;
    private final SdkTracerProvider provider;
    private final XRayUdpSpanExporter exporter;

    private XRayTracing(Mode mode, SdkTracerProvider provider, XRayUdpSpanExporter exporter) {
        this.mode = mode;
        this.provider = provider;
        this.exporter = exporter;
    }

    /**
     * Starts tracing as {@code settings} say and installs it in {@link Tracing}; {@code environment} names the
     * function in the spans' resource ({@code OTEL_SERVICE_NAME}, else {@code AWS_LAMBDA_FUNCTION_NAME}).
     */
    public static XRayTracing start(TraceSettings settings, Map<String, String> environment) {
        if (settings.export() == TraceSettings.Export.OFF) {
            LOG.atInfo().addKeyValue("tracing", "off").log("no spans are recorded (INLET_TRACING=off)");
            return new XRayTracing(Mode.OFF, null, null).install();
        }
        if (layerInstalled()) {
            LOG.atInfo().addKeyValue("tracing", "layer")
                    .log("spans go to the OpenTelemetry SDK a layer installed; Inlet's own X-Ray export stays off");
            return new XRayTracing(Mode.LAYER, null, null).install();
        }
        XRayUdpSpanExporter exporter = new XRayUdpSpanExporter(settings.daemonHost(), settings.daemonPort());
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(resource(environment))))
                .setIdGenerator(new XRayIdGenerator())
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())))
                // sent at the invocation's end (flush), not on a timer: the sandbox is frozen between invocations
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofMinutes(1))
                        .setMaxQueueSize(8192).setMaxExportBatchSize(512).build())
                .build();
        LOG.atInfo().addKeyValue("tracing", "xray").addKeyValue("daemon", settings.daemonHost() + ":" + settings.daemonPort())
                .addKeyValue("sample_ratio", settings.sampleRatio()).log("spans are sent to the X-Ray daemon");
        return new XRayTracing(Mode.XRAY, provider, exporter).install();
    }

    /**
     * Makes this the SDK {@link Tracing} records with: the X-Ray export's own, the layer's global one, or none
     * (off: a no-op even where a layer set a global SDK). {@link #start} does it; a bench switching variants too.
     */
    public XRayTracing install() {
        switch (mode) {
            case XRAY -> Tracing.install(new SdkOpenTelemetry(provider));
            case LAYER -> Tracing.install(null);
            case OFF -> Tracing.install(OpenTelemetry.noop());
        }
        return this;
    }

    /** True when a layer's SDK (not the API's no-op) is the global one. Never sets the global itself. */
    static boolean layerInstalled() {
        return GlobalOpenTelemetry.isSet() && GlobalOpenTelemetry.getTracerProvider() != TracerProvider.noop();
    }

    private static Attributes resource(Map<String, String> env) {
        AttributesBuilder b = Attributes.builder();
        String function = env.get("AWS_LAMBDA_FUNCTION_NAME");
        String service = env.getOrDefault("OTEL_SERVICE_NAME", function);
        b.put("service.name", service == null || service.isBlank() ? "inlet" : service);
        b.put("cloud.provider", "aws");
        b.put("cloud.platform", "aws_lambda");
        if (env.get("AWS_REGION") != null) b.put("cloud.region", env.get("AWS_REGION"));
        if (function != null) b.put("faas.name", function);
        if (env.get("AWS_LAMBDA_FUNCTION_VERSION") != null) b.put("faas.version", env.get("AWS_LAMBDA_FUNCTION_VERSION"));
        return b.build();
    }

    public Mode mode() {
        return mode;
    }

    /** Spans dropped because alone they do not fit into a datagram (0 unless {@link Mode#XRAY}). */
    public long droppedSpans() {
        return exporter == null ? 0 : exporter.droppedSpans();
    }

    /**
     * Sends the spans ended so far (the end of every invocation calls it); waits at most {@link #FLUSH_TIMEOUT}.
     * A failure is logged, never thrown.
     */
    public void flush() {
        if (provider == null) return;
        try {
            CompletableResultCode result = provider.forceFlush().join(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!result.isSuccess()) LOG.atWarn().log("spans not handed to the X-Ray daemon within {} ms", FLUSH_TIMEOUT.toMillis());
        } catch (RuntimeException e) {
            LOG.atWarn().setCause(e).log("spans not flushed: {}", e.getMessage());
        }
    }

    /**
     * Before a SnapStart snapshot: makes and encodes one span as an export would (the SDK's span and the OTLP
     * marshaler's classes loaded and initialised), sending nothing and opening no socket: the span is never
     * ended, so it never reaches the export queue.
     */
    public void prime() {
        if (provider == null) return;
        SpanContext sampled = SpanContext.createFromRemoteParent("5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8",
                TraceFlags.getSampled(), TraceState.getDefault());
        Span span = provider.get(Tracing.INSTRUMENTATION).spanBuilder("inlet.priming")
                .setParent(Context.root().with(Span.wrap(sampled))).setAttribute("inlet.priming", true).startSpan();
        try {
            XRayUdpSpanExporter.datagram(List.of(((ReadableSpan) span).toSpanData()), XRayUdpSpanExporter.SAMPLED);
        } catch (IOException | RuntimeException e) {
            LOG.atDebug().setCause(e).log("priming the span export failed: {}", e.getMessage());
        }
    }

    /** Before a SnapStart snapshot: no socket in it (the next export after the restore opens one). */
    public void closeSocket() {
        if (exporter != null) exporter.closeSocket();
    }

    /** Flushes, shuts the SDK down and uninstalls it from {@link Tracing}. */
    @Override
    public void close() {
        if (this == NONE) return;
        if (provider != null) provider.close();
        Tracing.install(null);
    }

    /** The SDK as the API sees it: only traces (the SDK's umbrella would bring metrics and logs along). */
    private record SdkOpenTelemetry(SdkTracerProvider provider) implements OpenTelemetry {
        @Override
        public TracerProvider getTracerProvider() {
            return provider;
        }

        @Override
        public ContextPropagators getPropagators() {
            return ContextPropagators.noop();
        }
    }
}
