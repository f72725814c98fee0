package io.inlet.gcp.migrate;

import io.inlet.db.Database;
import io.inlet.db.DatabaseSettings;
import io.inlet.db.DeploymentReport;
import io.inlet.db.InletRole;
import io.inlet.db.LoginUser;
import io.inlet.DatabaseDeployment;
import io.inlet.feed.FeedRegistry;
import io.inlet.gcp.storage.GcsBucketReader;
import io.inlet.gcp.storage.StorageFactory;
import io.inlet.trigger.EnvironmentVariables;
import io.inlet.trigger.FeedsLocation;
import io.inlet.trigger.SettingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment's database step on GCP: the Cloud Run job Terraform runs (and waits for) before the
 * functions are deployed. {@link DatabaseDeployment} as the Cloud SQL admin user
 * ({@code INLET_DATABASE_USER}/{@code INLET_DATABASE_PASSWORD}) with the feeds file's event tables and
 * one login user per role ({@code INLET_LOGIN_USER_<ROLE>} with {@code INLET_LOGIN_PASSWORD_<ROLE>},
 * the latter from that role's Secret Manager secret). Exit status 0 on success, 1 on any failure
 * (the job execution fails, and with it {@code terraform apply}).
 */
public final class MigrationJob {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationJob.class);

    private MigrationJob() {
    }

    public static void main(String[] args) {
        try {
            run(System.getenv(), location -> location.bucketScheme() == null ? location.load(null)
                    : location.load(new GcsBucketReader(StorageFactory.createDefault())));
        } catch (RuntimeException e) {
            LOG.atError().setCause(e).log("migration failed: " + e.getMessage());
            System.exit(1);
        }
    }

    public static String userVariable(InletRole role) {
        return "INLET_LOGIN_USER_" + role.name();
    }

    public static String passwordVariable(InletRole role) {
        return "INLET_LOGIN_PASSWORD_" + role.name();
    }

    /** Reads the environment, runs the deployment, logs and returns its report; throws on any failure. */
    public static DeploymentReport run(Map<String, String> variables, Function<FeedsLocation, FeedRegistry> feeds) {
        EnvironmentVariables env = new EnvironmentVariables(variables);
        String url = env.required(EnvironmentVariables.DATABASE_URL, "a jdbc:postgresql:// URL");
        String user = env.required(EnvironmentVariables.DATABASE_USER, "the admin user (owns the schema, has CREATEROLE)");
        String password = env.required(EnvironmentVariables.DATABASE_PASSWORD, "the admin user's password");
        List<LoginUser> users = new ArrayList<>();
        for (InletRole role : InletRole.values()) {
            String name = env.optional(userVariable(role));
            if (name == null) continue;
            String secret = env.optional(passwordVariable(role));
            if (secret == null) throw new SettingException(passwordVariable(role), "is not set (" + userVariable(role) + " is)");
            users.add(new LoginUser(name, role, secret));
        }
        FeedRegistry registry = feeds.apply(FeedsLocation.from(env));
        DeploymentReport report = DatabaseDeployment.run(Database.dataSource(new DatabaseSettings(url, user, password)), registry, users);
        LOG.atInfo().addKeyValue("migrationsApplied", report.migrationsApplied())
                .addKeyValue("eventTablesCreated", report.eventTablesCreated())
                .addKeyValue("loginUsers", report.loginUsers().stream().map(u -> u.name() + (u.created() ? " created" : " updated")).toList())
                .addKeyValue("projections", report.projections())
                .log("database migrated");
        return report;
    }
}
