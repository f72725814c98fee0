package io.inlet.aws.metrics;

import io.inlet.arrival.AlertKind;
import io.inlet.arrival.ArrivalReport;
import java.io.PrintStream;

/**
 * An arrival check's figures as one EMF document (namespace {@code Inlet}, no dimensions): what it
 * emitted this run, by kind, and {@code ArrivalAlerts}, their sum, on which the infrastructure's
 * alarm fires at 1. Each alert is emitted once per slot, so a figure counts new alerts only.
 */
public final class ArrivalMetrics {

    public static final String ALERTS = "ArrivalAlerts";
    public static final String INCOMPLETE_SETS = "FileSetIncomplete";

    private ArrivalMetrics() {
    }

    public static String emfLine(ArrivalReport report, long epochMillis) {
        return document(report).toJson(epochMillis);
    }

    public static void emit(ArrivalReport report, PrintStream stdout) {
        document(report).emit(stdout);
    }

    private static EmfDocument document(ArrivalReport report) {
        EmfDocument d = new EmfDocument()
                .metric(ALERTS, "Count", report.alerts().size() + report.incompleteSets().size())
                .metric(INCOMPLETE_SETS, "Count", report.incompleteSets().size());
        for (AlertKind kind : AlertKind.values()) d.metric(kind.name(), "Count", report.count(kind));
        return d;
    }
}
