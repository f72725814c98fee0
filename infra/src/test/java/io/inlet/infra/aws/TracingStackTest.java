package io.inlet.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

/**
 * What the stack emits for traces: every function told INLET_TRACING (xray unless context says off), and
 * CloudWatch Transaction Search (account- and region-wide) only when context asks for it, as AWS documents it
 * for CloudFormation: the logs resource policy for X-Ray, then the TransactionSearchConfig that depends on it.
 */
class TracingStackTest {

    @Test
    void byDefaultEveryFunctionExportsToXRayAndTheAccountsTransactionSearchIsLeftAlone() {
        Map<String, Object> template = Synth.json(Synth.settings().build());

        assertThat(AlarmMetricsTest.inletFunctions(template)).isNotEmpty().allSatisfy(fn ->
                assertThat(AlarmMetricsTest.environment(fn)).containsEntry(InletObservability.TRACING_VARIABLE, "xray"));
        assertThat(AlarmMetricsTest.resources(template, "AWS::XRay::TransactionSearchConfig")).isEmpty();
        assertThat(AlarmMetricsTest.resources(template, "AWS::Logs::ResourcePolicy")).isEmpty();
    }

    @Test
    void contextTurnsTransactionSearchOnWithTheLogsPolicyItNeedsFirst() {
        InletStack stack = stack(Map.of(InletObservability.TRANSACTION_SEARCH_CONTEXT, 5));
        Map<String, Object> template = Template.fromStack(stack).toJSON();

        Map<String, Object> resources = AlarmMetricsTest.map(template.get("Resources"));
        Map.Entry<String, Object> policy = only(resources, "AWS::Logs::ResourcePolicy");
        Map.Entry<String, Object> config = only(resources, "AWS::XRay::TransactionSearchConfig");
        assertThat(AlarmMetricsTest.map(AlarmMetricsTest.map(config.getValue()).get("Properties")))
                .containsEntry("IndexingPercentage", 5);
        assertThat(String.valueOf(AlarmMetricsTest.map(config.getValue()).get("DependsOn"))).isEqualTo(List.of(policy.getKey()).toString());
        String document = String.valueOf(AlarmMetricsTest.map(AlarmMetricsTest.map(policy.getValue()).get("Properties")).get("PolicyDocument"));
        assertThat(document).contains("xray.amazonaws.com", "logs:PutLogEvents", ":log-group:aws/spans:*",
                ":log-group:/aws/application-signals/data:*", "aws:SourceAccount", "aws:SourceArn", ":xray:");
        assertThat(CdkNagTest.findings(stack)).isEmpty();
    }

    @Test
    void contextTurnsTheFunctionsSpansOff() {
        Map<String, Object> template = Template.fromStack(stack(Map.of(InletObservability.TRACING_CONTEXT, "off"))).toJSON();

        assertThat(AlarmMetricsTest.inletFunctions(template)).isNotEmpty().allSatisfy(fn ->
                assertThat(AlarmMetricsTest.environment(fn)).containsEntry(InletObservability.TRACING_VARIABLE, "off"));
    }

    @Test
    void wrongTracingContextFailsTheSynthNamingTheKey() {
        assertThatThrownBy(() -> stack(Map.of(InletObservability.TRACING_CONTEXT, "otlp")))
                .hasMessageContaining("inlet:tracing must be xray or off, got otlp");
        assertThatThrownBy(() -> stack(Map.of(InletObservability.TRANSACTION_SEARCH_CONTEXT, 101)))
                .hasMessageContaining("inlet:transactionSearchIndexingPercent must be a percentage 0-100, got 101");
    }

    private static InletStack stack(Map<String, Object> context) {
        App app = new App(AppProps.builder().context(context).build());
        return new InletStack(app, "InletTest", StackProps.builder().build(), Synth.settings().build());
    }

    private static Map.Entry<String, Object> only(Map<String, Object> resources, String type) {
        List<Map.Entry<String, Object>> found = resources.entrySet().stream()
                .filter(e -> type.equals(AlarmMetricsTest.map(e.getValue()).get("Type"))).toList();
        assertThat(found).as(type).hasSize(1);
        return found.get(0);
    }
}
