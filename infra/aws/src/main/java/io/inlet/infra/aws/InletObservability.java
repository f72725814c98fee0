package io.inlet.infra.aws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.amazon.awscdk.services.logs.CfnResourcePolicy;
import software.amazon.awscdk.services.xray.CfnTransactionSearchConfig;
import software.constructs.Construct;

/**
 * What makes the functions' metrics and traces the stack's own: the service name the EMF exporter
 * writes as the {@code Service} dimension (the stack name, so two stacks in one account do not share
 * metrics, and the alarms of {@link InletAlarms} read exactly that dimension), and Lambda active
 * tracing (X-Ray) on every function.
 *
 * <p>Traces: the functions send the spans Inlet opens around object reads, SQL, ledger claims, appends
 * and publishes to the X-Ray daemon Lambda runs in every sandbox (OTLP over UDP, {@code INLET_TRACING=xray},
 * CDK context {@value #TRACING_CONTEXT} {@code off} turns it off), children of the invocation's Lambda
 * segment. X-Ray keeps such OpenTelemetry spans once the account's CloudWatch Transaction Search is on:
 * an account- and region-wide switch, so this stack turns it on only when asked (context
 * {@value #TRANSACTION_SEARCH_CONTEXT}, in one stack per account and region). With context
 * {@value #OTEL_LAYER_CONTEXT} (an ADOT Java layer ARN) the layer's SDK records Inlet's spans instead
 * (the functions see its global SDK and export nothing themselves).
 */
public final class InletObservability {

    /** CDK context key: the ARN of the ADOT Java wrapper layer (aws-otel-java-wrapper-*) to attach. */
    public static final String OTEL_LAYER_CONTEXT = "inlet:otelLayerArn";
    /** CDK context key: {@code xray} (default) or {@code off}, the functions' INLET_TRACING. */
    public static final String TRACING_CONTEXT = "inlet:tracing";
    /**
     * CDK context key: turns CloudWatch Transaction Search on for the account and region, indexing this
     * percentage (0-100) of spans as X-Ray trace summaries. Absent: the stack leaves the account's setting alone.
     */
    public static final String TRANSACTION_SEARCH_CONTEXT = "inlet:transactionSearchIndexingPercent";
    public static final String TRACING_VARIABLE = "INLET_TRACING";
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
        env.put(TRACING_VARIABLE, tracing(stack));
        return env;
    }

    private static String tracing(Stack stack) {
        Object value = stack.getNode().tryGetContext(TRACING_CONTEXT);
        if (value == null) return "xray";
        if (value.equals("xray") || value.equals("off")) return (String) value;
        throw new IllegalArgumentException("CDK context " + TRACING_CONTEXT + " must be xray or off, got " + value);
    }

    /**
     * With context {@value #TRANSACTION_SEARCH_CONTEXT}: CloudWatch Transaction Search on, as AWS documents it
     * for CloudFormation: a CloudWatch Logs resource policy that lets X-Ray write the span log groups
     * ({@code aws/spans}, {@code /aws/application-signals/data}) of this account only, then the
     * {@code AWS::XRay::TransactionSearchConfig} that needs it. Account- and region-wide: creating it fails
     * where Transaction Search is on already (enabled in the console or by another stack).
     */
    static void transactionSearch(Stack stack) {
        Object value = stack.getNode().tryGetContext(TRANSACTION_SEARCH_CONTEXT);
        if (value == null) return;
        double percent;
        try {
            percent = value instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(value));
        } catch (NumberFormatException e) {
            percent = Double.NaN;
        }
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("CDK context " + TRANSACTION_SEARCH_CONTEXT + " must be a percentage 0-100, got " + value);
        }
        String account = stack.getAccount();
        String region = stack.getRegion();
        String partition = stack.getPartition();
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Sid", "TransactionSearchXRayAccess");
        statement.put("Effect", "Allow");
        statement.put("Principal", Map.of("Service", "xray.amazonaws.com"));
        statement.put("Action", "logs:PutLogEvents");
        statement.put("Resource", List.of(
                "arn:" + partition + ":logs:" + region + ":" + account + ":log-group:aws/spans:*",
                "arn:" + partition + ":logs:" + region + ":" + account + ":log-group:/aws/application-signals/data:*"));
        statement.put("Condition", Map.of(
                "ArnLike", Map.of("aws:SourceArn", "arn:" + partition + ":xray:" + region + ":" + account + ":*"),
                "StringEquals", Map.of("aws:SourceAccount", account)));
        CfnResourcePolicy policy = CfnResourcePolicy.Builder.create(stack, "TransactionSearchLogsPolicy")
                .policyName(stack.getStackName() + "-TransactionSearchAccess")
                .policyDocument(stack.toJsonString(Map.of("Version", "2012-10-17", "Statement", List.of(statement))))
                .build();
        CfnTransactionSearchConfig config = CfnTransactionSearchConfig.Builder.create(stack, "TransactionSearch")
                .indexingPercentage(percent)
                .build();
        config.addDependency(policy);
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
