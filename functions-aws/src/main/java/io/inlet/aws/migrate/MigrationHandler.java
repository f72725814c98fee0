package io.inlet.aws.migrate;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.config.DatabaseCredentials;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.db.DeploymentReport;
import io.inlet.db.InletRole;
import io.inlet.db.LoginUser;
import io.inlet.DatabaseDeployment;
import io.inlet.feed.FeedRegistry;
import io.inlet.trigger.FeedsLocation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The deployment's database step on AWS, run by the stack's CDK Trigger before the functions'
 * SnapStart versions are published (whose checkpoint needs the schema): {@link DatabaseDeployment}
 * with the master user's secret, the feeds file's event tables and one login user per role from
 * that role's secret, then the feeds file's projections not yet built.
 *
 * <p>The Trigger invokes it synchronously with an empty payload, and fails the deployment (and rolls
 * the stack back) when the invocation ends in a function error: so any failure is thrown, never
 * returned. On success it returns the report as JSON. Not a SnapStart function and no priming:
 * it runs once per deployment.
 */
public final class MigrationHandler implements RequestStreamHandler {

    private static final Logger log = LoggerFactory.getLogger(MigrationHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> environment;
    /** (variable naming the secret, secret ARN) -> the login it holds. */
    private final BiFunction<String, String, DatabaseCredentials> secrets;
    private final Function<FeedsLocation, FeedRegistry> feeds;

    public MigrationHandler() {
        this(System.getenv(), MigrationHandler::readSecret, MigrationHandler::loadFeeds);
    }

    public MigrationHandler(Map<String, String> environment, BiFunction<String, String, DatabaseCredentials> secrets,
                            Function<FeedsLocation, FeedRegistry> feeds) {
        this.environment = environment;
        this.secrets = secrets;
        this.feeds = feeds;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes(); // the Trigger sends no payload; nothing in it would change what is done
        DeploymentReport report = migrate();
        ObjectNode doc = JSON.createObjectNode();
        doc.put("migrationsApplied", report.migrationsApplied());
        doc.set("eventTablesCreated", JSON.valueToTree(report.eventTablesCreated()));
        doc.set("projections", JSON.valueToTree(report.projections()));
        var users = doc.putArray("loginUsers");
        for (DeploymentReport.LoginOutcome u : report.loginUsers()) {
            users.addObject().put("name", u.name()).put("role", u.role().groupName()).put("created", u.created())
                    .set("revokedRoles", JSON.valueToTree(u.revokedRoles().stream().map(InletRole::groupName).toList()));
        }
        output.write(JSON.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the settings and secrets, loads the feeds file and runs the deployment; throws on any failure. */
    public DeploymentReport migrate() {
        MigrationSettings settings = MigrationSettings.fromEnvironment(environment);
        DatabaseCredentials admin = secrets.apply(MigrationSettings.ADMIN_SECRET_ARN, settings.adminSecretArn());
        List<LoginUser> users = new ArrayList<>();
        for (InletRole role : InletRole.values()) {
            String arn = settings.loginSecretArns().get(role);
            if (arn == null) continue;
            DatabaseCredentials login = secrets.apply(MigrationSettings.loginSecretVariable(role), arn);
            users.add(new LoginUser(login.user(), role, login.password()));
        }
        FeedRegistry registry = feeds.apply(new FeedsLocation(settings.feeds()));
        DeploymentReport report = DatabaseDeployment.run(FunctionEnvironment.dataSource(settings.databaseUrl(), admin), registry, users);
        log.atInfo().addKeyValue("migrationsApplied", report.migrationsApplied())
                .addKeyValue("eventTablesCreated", report.eventTablesCreated())
                .addKeyValue("loginUsers", report.loginUsers().stream().map(u -> u.name() + (u.created() ? " created" : " updated")).toList())
                .addKeyValue("projections", report.projections())
                .log("database migrated");
        return report;
    }

    private static DatabaseCredentials readSecret(String variable, String arn) {
        try (SecretsManagerClient client = SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
            return DatabaseCredentials.fromSecret(client, arn, variable);
        }
    }

    private static FeedRegistry loadFeeds(FeedsLocation location) {
        if (location.bucketScheme() == null) return location.load(null);
        try (S3Client s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
            return location.load(new S3BucketReader(s3));
        }
    }
}
