package io.inlet.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

/**
 * Each CloudWatch alarm on an EMF metric reads a metric the functions really print: its namespace,
 * name and dimension names are in docs/metrics/aws-emf-metrics.txt, which functions-aws's
 * MetricsExportTest asserts is exactly what real handler invocations printed; its {@code Service}
 * dimension is the stack name, which is what every function is told to write
 * ({@code POWERTOOLS_SERVICE_NAME}). Two stacks in one account alarm on different metrics.
 */
class AlarmMetricsTest {

    static final Path CATALOGUE = Path.of("..", "docs", "metrics", "aws-emf-metrics.txt");

    @Test
    void everyEmfAlarmReadsAMetricNameNamespaceAndDimensionsTheExporterPrints() throws Exception {
        Set<String> printed = new TreeSet<>();
        for (String line : Files.readAllLines(CATALOGUE)) {
            String[] f = line.split("\\|");
            printed.add(f[0] + "|" + f[1] + "|" + new TreeSet<>(List.of(f[2].split(","))));
        }
        Map<String, Object> template = Synth.json(Synth.settings().build());
        List<Map<String, Object>> alarms = emfAlarms(template);

        assertThat(alarms).extracting(a -> a.get("MetricName"))
                .contains(InletAlarms.OUTBOX_LAG_METRIC, InletAlarms.OUTBOX_BLOCKED_METRIC, InletAlarms.SWEEP_MISSING_METRIC,
                        ArrivalCheckFunction.ALERTS_METRIC);
        for (Map<String, Object> alarm : alarms) {
            Map<String, Object> dimensions = dimensions(alarm);
            assertThat(printed).as("alarm on %s", alarm.get("MetricName"))
                    .contains(alarm.get("Namespace") + "|" + alarm.get("MetricName") + "|" + new TreeSet<>(dimensions.keySet()));
            assertThat(dimensions).containsEntry(InletAlarms.SERVICE_DIMENSION, "InletTest");
        }
        assertThat(inletFunctions(template)).isNotEmpty().allSatisfy(fn ->
                assertThat(environment(fn)).containsEntry(InletObservability.SERVICE_VARIABLE, "InletTest"));
    }

    @Test
    void twoStacksInOneAccountAlarmOnTheirOwnMetrics() {
        Map<String, Object> other = Template.fromStack(new InletStack(new App(), "InletOther", StackProps.builder().build(),
                Synth.settings().build())).toJSON();
        Set<String> services = emfAlarms(other).stream().map(a -> String.valueOf(dimensions(a).get(InletAlarms.SERVICE_DIMENSION)))
                .collect(Collectors.toSet());
        assertThat(services).containsExactly("InletOther");
        assertThat(inletFunctions(other)).allSatisfy(fn ->
                assertThat(environment(fn)).containsEntry(InletObservability.SERVICE_VARIABLE, "InletOther"));
    }

    @Test
    void everyInletFunctionHasActiveTracingAndMayWriteToXRayOnly() {
        Map<String, Object> template = Synth.json(Synth.settings().build());
        assertThat(inletFunctions(template)).isNotEmpty().allSatisfy(fn ->
                assertThat(map(map(fn.get("Properties")).get("TracingConfig"))).containsEntry("Mode", "Active"));
        List<Object> starActions = new ArrayList<>();
        resources(template, "AWS::IAM::Policy").forEach(p -> {
            for (Object s : (List<?>) map(map(p.get("Properties")).get("PolicyDocument")).get("Statement")) {
                Object resource = map(s).get("Resource");
                if ("*".equals(resource) || (resource instanceof List<?> l && l.contains("*"))) {
                    Object action = map(s).get("Action");
                    if (action instanceof List<?> l) starActions.addAll(l); else starActions.add(action);
                }
            }
        });
        assertThat(new TreeSet<>(starActions.stream().map(String::valueOf).toList()))
                .containsExactlyElementsOf(new TreeSet<>(InletObservability.XRAY_ACTIONS));
    }

    static List<Map<String, Object>> emfAlarms(Map<String, Object> template) {
        return resources(template, "AWS::CloudWatch::Alarm").stream().map(r -> map(r.get("Properties")))
                .filter(p -> InletAlarms.METRIC_NAMESPACE.equals(p.get("Namespace"))).toList();
    }

    static Map<String, Object> dimensions(Map<String, Object> alarm) {
        Map<String, Object> out = new LinkedHashMap<>();
        Object dims = alarm.get("Dimensions");
        if (dims instanceof List<?> list) for (Object d : list) out.put(String.valueOf(map(d).get("Name")), map(d).get("Value"));
        return out;
    }

    static List<Map<String, Object>> inletFunctions(Map<String, Object> template) {
        return resources(template, "AWS::Lambda::Function").stream()
                .filter(f -> String.valueOf(map(f.get("Properties")).get("Handler")).startsWith("io.inlet.")).toList();
    }

    static Map<String, Object> environment(Map<String, Object> fn) {
        return map(map(map(fn.get("Properties")).get("Environment")).get("Variables"));
    }

    static List<Map<String, Object>> resources(Map<String, Object> template, String type) {
        return map(template.get("Resources")).values().stream().map(AlarmMetricsTest::map)
                .filter(r -> type.equals(r.get("Type"))).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
