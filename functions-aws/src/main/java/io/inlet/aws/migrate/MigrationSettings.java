package io.inlet.aws.migrate;

import io.inlet.db.InletRole;
import io.inlet.trigger.EnvironmentVariables;
import io.inlet.trigger.FeedsLocation;
import io.inlet.trigger.SettingException;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the migration function reads from its environment: where the database is, the secret of the
 * user that migrates (the master user: owns the schema, has CREATEROLE), the feeds file, and one
 * secret per role ({@code username}, {@code password}) whose user it creates or updates.
 *
 * @param loginSecretArns {@code INLET_LOGIN_SECRET_INGEST|RELAY|READER}: the secret of each role's login user
 */
public record MigrationSettings(String feeds, String databaseUrl, String adminSecretArn, Map<InletRole, String> loginSecretArns) {

    public static final String ADMIN_SECRET_ARN = "INLET_DATABASE_SECRET_ARN";

    public static String loginSecretVariable(InletRole role) {
        return "INLET_LOGIN_SECRET_" + role.name();
    }

    public MigrationSettings {
        loginSecretArns = Map.copyOf(loginSecretArns);
    }

    public static MigrationSettings fromEnvironment(Map<String, String> variables) {
        EnvironmentVariables env = new EnvironmentVariables(variables);
        String url = env.required(EnvironmentVariables.DATABASE_URL, "a jdbc:postgresql:// URL");
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new SettingException(EnvironmentVariables.DATABASE_URL, "must start with jdbc:postgresql://");
        }
        String admin = env.required(ADMIN_SECRET_ARN, "the secret of the user that migrates (the master user)");
        Map<InletRole, String> logins = new EnumMap<>(InletRole.class);
        for (InletRole role : InletRole.values()) {
            String arn = env.optional(loginSecretVariable(role));
            if (arn != null) logins.put(role, arn);
        }
        return new MigrationSettings(FeedsLocation.from(env).location(), url, admin, logins);
    }
}
