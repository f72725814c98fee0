package io.inlet.cli;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.stream.Collectors;

/** Prints a registry's meters as {@code name{tag=value} statistic=value} lines, sorted. */
final class MetricsReport {

    private MetricsReport() {
    }

    static void print(PrintStream out, MeterRegistry registry) {
        registry.getMeters().stream()
                .sorted(Comparator.comparing((Meter m) -> m.getId().getName()).thenComparing(m -> m.getId().getTags().toString()))
                .forEach(m -> {
                    String tags = m.getId().getTags().stream().map(t -> t.getKey() + "=" + t.getValue())
                            .collect(Collectors.joining(",", "{", "}"));
                    for (Measurement x : m.measure()) {
                        out.println("metric " + m.getId().getName() + (tags.equals("{}") ? "" : tags) + " "
                                + x.getStatistic().getTagValueRepresentation() + "=" + x.getValue());
                    }
                });
    }
}
