package io.inlet.aws.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One CloudWatch Embedded Metric Format document: namespace {@code Inlet}, one dimension set (or
 * none), metrics with units. Printed as a line of its own on stdout, which CloudWatch Logs turns
 * into metrics.
 */
final class EmfDocument {

    static final String NAMESPACE = "Inlet";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> dimensions = new LinkedHashMap<>();
    private final Map<String, Object[]> metrics = new LinkedHashMap<>();

    EmfDocument dimension(String name, String value) {
        dimensions.put(name, value);
        return this;
    }

    EmfDocument metric(String name, String unit, double value) {
        metrics.put(name, new Object[] {unit, value});
        return this;
    }

    String toJson(long epochMillis) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", epochMillis);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        ArrayNode set = directive.putArray("Dimensions").addArray(); // empty set: no dimensions
        dimensions.keySet().forEach(set::add);
        ArrayNode list = directive.putArray("Metrics");
        for (var m : metrics.entrySet()) {
            list.addObject().put("Name", m.getKey()).put("Unit", (String) m.getValue()[0]);
            double v = (Double) m.getValue()[1];
            if (v == Math.rint(v) && Math.abs(v) < 1e15) root.put(m.getKey(), (long) v); else root.put(m.getKey(), v);
        }
        dimensions.forEach(root::put);
        return root.toString();
    }

    /** EMF needs the whole log event to be the JSON object: it bypasses the logger's layout. */
    void emit(PrintStream stdout) {
        String line = toJson(System.currentTimeMillis());
        synchronized (stdout) {
            stdout.println(line);
            stdout.flush();
        }
    }
}
