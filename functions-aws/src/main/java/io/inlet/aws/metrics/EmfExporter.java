package io.inlet.aws.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.metrics.InletMetrics;
import io.inlet.metrics.MeterDeltas;
import io.inlet.metrics.MeterSample;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Exports the core's Micrometer meters ({@link InletMetrics}, the only meter model) as CloudWatch
 * Embedded Metric Format: at the end of each invocation, what changed since the previous flush
 * ({@link MeterDeltas}) becomes one JSON line per tag set on stdout, which CloudWatch Logs turns into
 * metrics in namespace {@value #NAMESPACE}.
 *
 * <p>Names: {@link MeterSample#pascalName()} ({@code inlet.outbox.lag} -> {@code OutboxLagSeconds});
 * dimensions: {@value #SERVICE} (the stack, so two stacks in one account keep their own metrics), then
 * each tag, key in PascalCase ({@code feed} -> {@code Feed}). Units: {@code Seconds} for a base unit
 * of seconds, else {@code Count}.
 */
public final class EmfExporter {

    public static final String NAMESPACE = "Inlet";
    public static final String SERVICE = "Service";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MeterDeltas deltas;
    private final String service;
    private final LongSupplier clock;

    public EmfExporter(MeterDeltas deltas, String service, LongSupplier clock) {
        this.deltas = deltas;
        this.service = service == null || service.isBlank() ? "inlet" : service;
        this.clock = clock;
    }

    /**
     * The service name of this function: {@code POWERTOOLS_SERVICE_NAME} (the stack name, set by the
     * CDK stack), else {@code INLET_SERVICE}, else the function name: the same as the logs' {@code service}.
     */
    public static String serviceName(Map<String, String> env) {
        for (String key : List.of("POWERTOOLS_SERVICE_NAME", "INLET_SERVICE", "AWS_LAMBDA_FUNCTION_NAME")) {
            String v = env.get(key);
            if (v != null && !v.isBlank()) return v;
        }
        return "inlet";
    }

    public String service() {
        return service;
    }

    /** The EMF lines for what changed since the previous call (none when nothing did). */
    public List<String> lines() {
        Map<Map<String, String>, List<MeterSample>> byTags = new LinkedHashMap<>();
        for (MeterSample s : deltas.drain()) byTags.computeIfAbsent(s.tags(), k -> new ArrayList<>()).add(s);
        long now = clock.getAsLong();
        List<String> lines = new ArrayList<>();
        byTags.forEach((tags, samples) -> lines.add(document(tags, samples, now)));
        return lines;
    }

    /** Writes {@link #lines()} to {@code stdout}, each a log event of its own (EMF bypasses the log layout). */
    public void flush(PrintStream stdout) {
        List<String> lines = lines();
        if (lines.isEmpty()) return;
        synchronized (stdout) {
            lines.forEach(stdout::println);
            stdout.flush();
        }
    }

    private String document(Map<String, String> tags, List<MeterSample> samples, long epochMillis) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", epochMillis);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        ArrayNode set = directive.putArray("Dimensions").addArray();
        set.add(SERVICE);
        root.put(SERVICE, service);
        tags.forEach((key, value) -> {
            String dimension = MeterSample.pascal(key);
            set.add(dimension);
            root.put(dimension, value);
        });
        ArrayNode metrics = directive.putArray("Metrics");
        for (MeterSample s : samples) {
            String name = s.pascalName();
            metrics.addObject().put("Name", name).put("Unit", "seconds".equals(s.baseUnit()) ? "Seconds" : "Count");
            double v = s.value();
            if (v == Math.rint(v) && Math.abs(v) < 1e15) root.put(name, (long) v); else root.put(name, v);
        }
        return root.toString();
    }
}
