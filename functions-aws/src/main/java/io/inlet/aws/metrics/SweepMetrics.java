package io.inlet.aws.metrics;

import io.inlet.sweep.Finding;
import io.inlet.sweep.SweepReport;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * A scheduled sweep's figures as one EMF document (namespace {@code Inlet}, no dimensions): the
 * infrastructure's {@code SweepMissingObjects} alarm fires at 1 (Maximum over the day).
 */
public final class SweepMetrics {

    public static final String MISSING_OBJECTS = "SweepMissingObjects";
    public static final String LISTED_OBJECTS = "SweepListedObjects";

    private SweepMetrics() {
    }

    public static String emfLine(List<SweepReport> reports, long epochMillis) {
        return document(reports).toJson(epochMillis);
    }

    public static void emit(List<SweepReport> reports, PrintStream stdout) {
        document(reports).emit(stdout);
    }

    private static EmfDocument document(List<SweepReport> reports) {
        EmfDocument d = new EmfDocument()
                .metric(MISSING_OBJECTS, "Count", reports.stream().mapToLong(r -> r.missing().size()).sum())
                .metric(LISTED_OBJECTS, "Count", reports.stream().mapToLong(SweepReport::listed).sum());
        for (Finding f : Finding.values()) {
            long n = reports.stream().map(SweepReport::counts).mapToLong((Map<Finding, Long> c) -> c.get(f)).sum();
            d.metric("Sweep" + camel(f), "Count", n);
        }
        return d;
    }

    private static String camel(Finding f) {
        StringBuilder b = new StringBuilder();
        for (String part : f.name().split("_")) b.append(part.charAt(0)).append(part.substring(1).toLowerCase());
        return b.toString();
    }
}
