package io.inlet.infra.aws;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * One Inlet Lambda function as it is deployed: its own role (write to its own log group, nothing
 * else until the stack grants more), a log group with retention, SnapStart on published versions, and
 * a {@code live} alias on the current version. Every trigger points at the alias, because SnapStart
 * only applies to published versions: invoking {@code $LATEST} would cold-start without the snapshot.
 */
public final class InletFunction extends Construct {

    public static final String ALIAS = "live";
    /**
     * The newest Java runtime Lambda offers (cdk-nag AwsSolutions-L1 holds every function to it); the jar is
     * Java 17 bytecode, which it runs unchanged, with SnapStart.
     */
    public static final Runtime RUNTIME = Runtime.JAVA_25;

    /** The VPC placement of functions that must reach a private database. */
    public record Network(IVpc vpc, SubnetSelection subnets, List<ISecurityGroup> securityGroups) {
    }

    /**
     * @param handler {@code class::method} in the functions jar
     * @param reservedConcurrency a hard cap for functions not behind an event source mapping, or {@code null}
     * @param network the VPC placement, or {@code null}
     */
    public record Props(String handler, String description, Code code, int timeoutSeconds, int memoryMb,
                        Map<String, String> environment, RetentionDays logRetention, Integer reservedConcurrency,
                        Network network) {
    }

    private final Function function;
    private final Alias alias;
    private final Role role;
    private final int timeoutSeconds;

    public InletFunction(Construct scope, String id, Props props) {
        this(scope, id, props, true);
    }

    /**
     * @param snapStart false only for a function invoked once per deployment (the migration): a snapshot
     *                  would cost each deployment a checkpoint and save nothing
     */
    public InletFunction(Construct scope, String id, Props props, boolean snapStart) {
        super(scope, id);
        this.timeoutSeconds = props.timeoutSeconds();
        LogGroup logGroup = LogGroup.Builder.create(this, "Logs")
                .retention(props.logRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        this.role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Inlet " + id + ": grants are added per resource by the stack")
                .build();
        // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): write to this group only.
        logGroup.grantWrite(role);
        if (props.network() != null) {
            // ENI management has no resource-level permissions; this AWS managed policy is the narrowest form.
            role.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSLambdaVPCAccessExecutionRole"));
        }
        Function.Builder builder = Function.Builder.create(this, "Function")
                .description(props.description())
                .runtime(RUNTIME)
                .architecture(architecture(scope))
                .handler(props.handler())
                .code(props.code())
                .memorySize(props.memoryMb())
                .timeout(Duration.seconds(props.timeoutSeconds()))
                .environment(props.environment())
                .snapStart(snapStart ? SnapStartConf.ON_PUBLISHED_VERSIONS : null)
                .logGroup(logGroup)
                .role(role)
                .reservedConcurrentExecutions(props.reservedConcurrency());
        if (props.network() != null) {
            builder.vpc(props.network().vpc())
                    .vpcSubnets(props.network().subnets())
                    .securityGroups(props.network().securityGroups());
        }
        this.function = builder.build();
        this.alias = Alias.Builder.create(this, "Live")
                .aliasName(ALIAS)
                .version(function.getCurrentVersion())
                .build();
        InletObservability.activeTracing(this);
    }

    /** Every function of an {@link InletStack} runs on the stack's one architecture setting; elsewhere arm64. */
    private static Architecture architecture(Construct scope) {
        Stack stack = Stack.of(scope);
        return (stack instanceof InletStack inlet ? inlet.settings().architecture() : FunctionArchitecture.ARM_64).cdk();
    }

    public Function function() {
        return function;
    }

    /** The target of every trigger. */
    public Alias alias() {
        return alias;
    }

    public Role role() {
        return role;
    }

    public int timeoutSeconds() {
        return timeoutSeconds;
    }
}
