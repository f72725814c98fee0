package io.inlet.aws.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.arrival.AlertKind;
import io.inlet.arrival.ArrivalReport;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An arrival check's figures as one EMF document (namespace {@code Inlet}, no dimensions): what it
 * emitted this run, by kind, and {@code ArrivalAlerts}, their sum, on which the infrastructure's
 * alarm fires at 1. Each alert is emitted once per slot, so a figure counts new alerts only.
 */
public final class ArrivalMetrics {

    public static final String ALERTS = "ArrivalAlerts";
    public static final String INCOMPLETE_SETS = "FileSetIncomplete";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ArrivalMetrics() {
    }

    public static String emfLine(ArrivalReport report, long epochMillis) {
        Map<String, Long> figures = new LinkedHashMap<>();
        figures.put(ALERTS, (long) report.alerts().size() + report.incompleteSets().size());
        figures.put(INCOMPLETE_SETS, (long) report.incompleteSets().size());
        for (AlertKind kind : AlertKind.values()) figures.put(kind.name(), (long) report.count(kind));
        ObjectNode root = JSON.createObjectNode();
        ObjectNode directive = root.putObject("_aws").put("Timestamp", epochMillis).putArray("CloudWatchMetrics").addObject()
                .put("Namespace", "Inlet");
        directive.putArray("Dimensions").addArray();
        ArrayNode metrics = directive.putArray("Metrics");
        figures.forEach((name, value) -> {
            metrics.addObject().put("Name", name).put("Unit", "Count");
            root.put(name, value);
        });
        return root.toString();
    }

    public static void emit(ArrivalReport report, PrintStream stdout) {
        stdout.println(emfLine(report, System.currentTimeMillis()));
        stdout.flush();
    }
}
