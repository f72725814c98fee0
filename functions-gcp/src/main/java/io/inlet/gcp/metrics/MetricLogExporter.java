package io.inlet.gcp.metrics;

import io.inlet.metrics.InletMetrics;
import io.inlet.metrics.MeterDeltas;
import io.inlet.metrics.MeterSample;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Exports the core's Micrometer meters ({@link InletMetrics}, the only meter model) to Cloud
 * Monitoring through Cloud Logging: at the end of each request, what changed since the previous
 * flush ({@link MeterDeltas}) becomes one structured log line per meter, on logger {@value #LOGGER}:
 * {@code metric} (the snake-case name, {@code inlet.outbox.lag} -> {@code outbox_lag_seconds}),
 * {@code value} (a JSON number), {@code metric_kind} ({@code counter} or {@code gauge}) and each tag
 * as a field of its own ({@code feed}, {@code outcome}). The log-based metrics of
 * infra/gcp/modules/inlet/monitoring.tf filter on {@code jsonPayload.metric} and extract
 * {@code jsonPayload.value} and the tags as labels; the Cloud Run service name (resource label)
 * keeps two deployments in one project apart.
 */
public final class MetricLogExporter {

    public static final String LOGGER = "io.inlet.metrics";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final MeterDeltas deltas;

    public MetricLogExporter(MeterRegistry registry) {
        this.deltas = new MeterDeltas(registry);
    }

    /** Logs what changed since the previous call, one line per meter; nothing when nothing did. */
    public void flush() {
        List<MeterSample> samples = deltas.drain();
        for (MeterSample s : samples) {
            double v = s.value();
            Object value = v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v : (Object) v;
            LoggingEventBuilder line = LOG.atInfo().addKeyValue("metric", s.snakeName()).addKeyValue("value", value)
                    .addKeyValue("metric_kind", s.kind().name().toLowerCase(Locale.ROOT));
            for (Map.Entry<String, String> tag : s.tags().entrySet()) line = line.addKeyValue(tag.getKey(), tag.getValue());
            line.log("metric {} {}", s.snakeName(), value);
        }
    }
}
