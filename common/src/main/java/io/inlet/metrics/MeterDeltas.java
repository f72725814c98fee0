package io.inlet.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a registry's meters did since the previous {@link #drain()}: the base of every cloud
 * exporter, which drains at the end of each invocation or request.
 *
 * <ul>
 *   <li>a counter: its increase, when not zero (a meter that did nothing this time says nothing);</li>
 *   <li>a gauge: its value, when not zero or when it changed since it was last exported (so a
 *       backlog back at zero is reported once; a function that never sets the outbox gauges, such
 *       as an ingest function, never exports them at all); never NaN.</li>
 * </ul>
 * Other meter types are not part of Inlet's model and are skipped. Thread-safe.
 */
public final class MeterDeltas {

    private final MeterRegistry registry;
    private final Map<Meter.Id, Double> exported = new HashMap<>();

    public MeterDeltas(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The samples since the previous call, sorted by name and tags. */
    public synchronized List<MeterSample> drain() {
        List<MeterSample> samples = new ArrayList<>();
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            if (meter instanceof Counter c) {
                counter(id, c.count(), samples);
            } else if (meter instanceof FunctionCounter c) {
                counter(id, c.count(), samples);
            } else if (meter instanceof Gauge g) {
                double value = g.value();
                if (Double.isNaN(value)) continue;
                Double last = exported.get(id);
                if (value != 0 || (last != null && last != value)) {
                    exported.put(id, value);
                    samples.add(sample(id, MeterSample.Kind.GAUGE, value));
                }
            }
        }
        samples.sort(Comparator.comparing(MeterSample::name).thenComparing(s -> s.tags().toString()));
        return samples;
    }

    private void counter(Meter.Id id, double count, List<MeterSample> samples) {
        double last = exported.getOrDefault(id, 0.0);
        if (count != last) {
            exported.put(id, count);
            samples.add(sample(id, MeterSample.Kind.COUNTER, count - last));
        }
    }

    private static MeterSample sample(Meter.Id id, MeterSample.Kind kind, double value) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag t : id.getTagsAsIterable()) tags.put(t.getKey(), t.getValue());
        return new MeterSample(id.getName(), tags, kind, id.getBaseUnit(), value);
    }
}
