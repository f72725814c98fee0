package io.inlet.infra.aws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.triggers.InvocationType;
import software.amazon.awscdk.triggers.Trigger;
import software.constructs.Construct;

/**
 * The deployment's database step: a function ({@code io.inlet.aws.migrate.MigrationHandler}) that
 * applies the schema, creates every feed's event table and creates or updates the login users of the
 * three roles from their secrets, and a CDK Trigger that invokes it during the deployment:
 *
 * <ul>
 *   <li>after the database (RDS Proxy and its targets) exists, inside the VPC with the functions'
 *       security group, so it reaches what nothing outside the VPC can;</li>
 *   <li>before every Inlet function's published version (each {@code AWS::Lambda::Version} depends on
 *       the Trigger): SnapStart's checkpoint of a version runs Inlet's priming, which refuses a
 *       database without the schema, and the functions log in as users the migration creates;</li>
 *   <li>again whenever its own version changes: the jar (and so a feeds file bundled in it) or any
 *       environment value (the feeds location, the database URL, the secrets), the same changes that
 *       publish new function versions.</li>
 * </ul>
 *
 * A failed migration is a function error, which fails the Trigger and rolls the deployment back
 * before any function version moves.
 */
public final class MigrationTrigger extends Construct {

    private final InletFunction function;
    private final Trigger trigger;

    public MigrationTrigger(Construct scope, String id, Code code, Map<String, String> environment, DatabaseAccess database,
                            InletSettings settings, List<InletFunction> functions) {
        super(scope, id);
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("INLET_DATABASE_SECRET_ARN", database.adminSecret().getSecretArn());
        for (DatabaseAccess.LoginRole role : DatabaseAccess.LoginRole.values()) {
            env.put("INLET_LOGIN_SECRET_" + role.name(), database.loginSecret(role).getSecretArn());
        }
        env.remove("JAVA_TOOL_OPTIONS"); // C1-only is for short invocations; this one runs Flyway once
        this.function = new InletFunction(this, "Function", new InletFunction.Props(InletStack.MIGRATION_HANDLER,
                "Inlet migration: schema, event tables and role login users; run by the deployment", code,
                InletStack.MIGRATION_TIMEOUT_SECONDS, settings.memoryMb(), env, settings.logRetention(), 1, database.network()),
                false);
        database.adminSecret().grantRead(function.role());
        for (DatabaseAccess.LoginRole role : DatabaseAccess.LoginRole.values()) {
            database.loginSecret(role).grantRead(function.role());
        }
        Trigger.Builder builder = Trigger.Builder.create(this, "Run")
                .handler(function.function())
                .invocationType(InvocationType.REQUEST_RESPONSE)
                .timeout(Duration.seconds(InletStack.MIGRATION_TIMEOUT_SECONDS))
                .executeOnHandlerChange(true);
        this.trigger = builder.build();
        if (database.readiness() != null) {
            trigger.executeAfter(database.readiness());
        }
        for (InletFunction fn : functions) {
            trigger.executeBefore(fn.function().getCurrentVersion());
        }
    }

    public InletFunction function() {
        return function;
    }

    public Trigger trigger() {
        return trigger;
    }
}
