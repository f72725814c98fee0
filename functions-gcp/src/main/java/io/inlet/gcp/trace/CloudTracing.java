package io.inlet.gcp.trace;

import com.google.cloud.opentelemetry.trace.TraceConfiguration;
import com.google.cloud.opentelemetry.trace.TraceExporter;
import io.inlet.trace.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GCP functions' OpenTelemetry SDK: Inlet's spans ({@link Tracing}) batched and exported to Cloud Trace,
 * flushed at the end of every request ({@link #flush()}: Cloud Run throttles the CPU between requests, so a
 * batch left for later might never leave), W3C trace context, parent-based sampling (a delivery's
 * {@code traceparent} decides; a trace that starts here is kept at the configured ratio).
 *
 * <p>{@link #OFF} installs nothing: {@link Tracing#enabled()} stays false and no span object is made.
 */
public final class CloudTracing implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CloudTracing.class);
    /** How long the end of a request waits for its spans to be sent. */
    static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(5);

    public static final CloudTracing OFF = new CloudTracing(null);

    private final SdkTracerProvider provider;

    private CloudTracing(SdkTracerProvider provider) {
        this.provider = provider;
    }

    /** Starts tracing as {@code settings} say, exporting with Google's Cloud Trace exporter. */
    public static CloudTracing start(TraceSettings settings, String serviceName) {
        return start(settings, serviceName, CloudTracing::cloudTraceExporter);
    }

    /**
     * Starts tracing as {@code settings} say with the exporter {@code exporters} makes for the settings (the seam a
     * test substitutes an in-memory exporter at), and installs it as {@link Tracing}'s SDK; {@link #OFF} when off.
     */
    public static CloudTracing start(TraceSettings settings, String serviceName, Function<TraceSettings, SpanExporter> exporters) {
        if (settings.export() == TraceSettings.Export.OFF) return OFF;
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), serviceName == null ? "inlet" : serviceName))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())))
                .addSpanProcessor(BatchSpanProcessor.builder(exporters.apply(settings)).build())
                .build();
        Tracing.install(OpenTelemetrySdk.builder().setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build());
        LOG.atInfo().addKeyValue("tracing", settings.export().value()).addKeyValue("project", settings.projectId())
                .addKeyValue("sample_ratio", settings.sampleRatio()).log("spans are exported to Cloud Trace");
        return new CloudTracing(provider);
    }

    private static SpanExporter cloudTraceExporter(TraceSettings settings) {
        // credentials: the service account's (Application Default Credentials); the client is made on first export
        return TraceExporter.createWithConfiguration(TraceConfiguration.builder().setProjectId(settings.projectId()).build());
    }

    /** True when spans are recorded and exported. */
    public boolean exporting() {
        return provider != null;
    }

    /** Sends the spans ended so far; waits at most {@link #FLUSH_TIMEOUT} (a failure is logged, never thrown). */
    public void flush() {
        if (provider == null) return;
        CompletableResultCode result = provider.forceFlush().join(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!result.isSuccess()) LOG.atWarn().log("spans not exported within {} ms", FLUSH_TIMEOUT.toMillis());
    }

    /** Flushes, shuts the SDK down and uninstalls it from {@link Tracing}. */
    @Override
    public void close() {
        if (provider == null) return;
        provider.close();
        Tracing.install(null);
    }
}
