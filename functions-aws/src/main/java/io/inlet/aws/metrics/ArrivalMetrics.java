package io.inlet.aws.metrics;

import io.inlet.arrival.AlertKind;
import io.inlet.arrival.ArrivalReport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    // Stop-gap for the merge (EmfDocument was removed by h-observe); to be replaced by the meter model at merge.
    private static final class EmfDocument {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final Map<String, Long> metrics = new LinkedHashMap<>();

        EmfDocument metric(String name, String unit, long value) {
            metrics.put(name, value);
            return this;
        }

        String toJson(long epochMillis) {
            ObjectNode root = JSON.createObjectNode();
            ObjectNode aws = root.putObject("_aws");
            aws.put("Timestamp", epochMillis);
            ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
            directive.put("Namespace", "Inlet");
            directive.putArray("Dimensions").addArray(); // empty set: no dimensions
            ArrayNode list = directive.putArray("Metrics");
            metrics.forEach((name, v) -> {
                list.addObject().put("Name", name).put("Unit", "Count");
                root.put(name, v);
            });
            return root.toString();
        }

        void emit(PrintStream stdout) {
            String line = toJson(System.currentTimeMillis());
            synchronized (stdout) {
                stdout.println(line);
                stdout.flush();
            }
        }
    }
}
