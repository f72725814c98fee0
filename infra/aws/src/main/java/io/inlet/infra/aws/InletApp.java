package io.inlet.infra.aws;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;

/**
 * The CDK app: {@code cdk synth|deploy} in infra/aws runs this (see cdk.json). The deployment's
 * settings come from the {@code inlet} context object (cdk.json, or {@code cdk.context.json}, or
 * {@code -c inlet='{...}'}), read by {@link ContextSettings}; the stack name from {@code stackName}.
 */
public final class InletApp {

    private InletApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        Object context = app.getNode().tryGetContext("inlet");
        InletSettings settings = ContextSettings.read(context);
        Object stackName = app.getNode().tryGetContext("stackName");
        String name = stackName == null ? "Inlet" : stackName.toString();
        InletStack stack = new InletStack(app, name, StackProps.builder()
                .description("Inlet: vendor file and event ingestion into PostgreSQL with a transactional outbox")
                .env(Environment.builder()
                        .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                        .region(System.getenv("CDK_DEFAULT_REGION"))
                        .build())
                .build(), settings);
        if (Boolean.parseBoolean(String.valueOf(app.getNode().tryGetContext("nag")))) {
            // `cdk synth -c nag=true`: the AwsSolutions checks as at test time; findings are printed as errors and fail the synth.
            Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        }
        Tags.of(stack).add("app", "inlet");
        Tags.of(stack).add("inlet:channel", settings.channel());
        app.synth();
    }
}
