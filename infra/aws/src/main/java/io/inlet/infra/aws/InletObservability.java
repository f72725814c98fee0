package io.inlet.infra.aws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.constructs.Construct;

/**
 * What makes the functions' metrics and traces the stack's own: the service name the EMF exporter
 * writes as the {@code Service} dimension (the stack name, so two stacks in one account do not share
 * metrics, and the alarms of {@link InletAlarms} read exactly that dimension), and Lambda active
 * tracing (X-Ray) on every function. With CDK context {@value #OTEL_LAYER_CONTEXT} (an ADOT Java
 * wrapper layer ARN of the region and architecture), the layer's OpenTelemetry SDK exports the spans
 * Inlet opens around object reads, SQL and publishes to X-Ray, in the invocation's trace; without it
 * the spans are no-ops and X-Ray shows the Lambda segments only.
 */
public final class InletObservability {

    /** CDK context key: the ARN of the ADOT Java wrapper layer (aws-otel-java-wrapper-*) to attach. */
    public static final String OTEL_LAYER_CONTEXT = "inlet:otelLayerArn";
    public static final String SERVICE_VARIABLE = "POWERTOOLS_SERVICE_NAME";
    static final List<String> XRAY_ACTIONS = List.of("xray:PutTraceSegments", "xray:PutTelemetryRecords");

    private InletObservability() {
    }

    /** The variables every function gets: service name (= stack name) and the metrics namespace. */
    public static Map<String, String> environment(Stack stack) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(SERVICE_VARIABLE, stack.getStackName());
        env.put("POWERTOOLS_METRICS_NAMESPACE", InletAlarms.METRIC_NAMESPACE);
        env.put("OTEL_SERVICE_NAME", stack.getStackName());
        return env;
    }

    /**
     * Active tracing on {@code fn}: Lambda samples and records each invocation in X-Ray and passes the
     * trace header the functions continue ({@code _X_AMZN_TRACE_ID}). X-Ray's two write actions have no
     * resource-level form: granted on {@code *}, with the cdk-nag finding accepted for them alone.
     */
    static void activeTracing(InletFunction fn) {
        CfnFunction cfn = (CfnFunction) fn.function().getNode().getDefaultChild();
        cfn.setTracingConfig(CfnFunction.TracingConfigProperty.builder().mode("Active").build());
        fn.role().addToPrincipalPolicy(PolicyStatement.Builder.create().actions(XRAY_ACTIONS).resources(List.of("*")).build());
        InletNagPolicy.xrayWrites(fn);
        Object layer = fn.getNode().tryGetContext(OTEL_LAYER_CONTEXT);
        if (layer instanceof String arn && !arn.isBlank()) {
            fn.function().addLayers(LayerVersion.fromLayerVersionArn((Construct) fn, "OtelLayer", arn));
            fn.function().addEnvironment("AWS_LAMBDA_EXEC_WRAPPER", "/opt/otel-handler");
            fn.function().addEnvironment("OTEL_PROPAGATORS", "tracecontext,xray");
            fn.function().addEnvironment("OTEL_TRACES_SAMPLER", "parentbased_always_on");
            fn.function().addEnvironment("OTEL_METRICS_EXPORTER", "none");
        }
    }
}
