package io.inlet.aws.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.Inlet;
import io.inlet.aws.TestLambdaContext;
import io.inlet.aws.config.DatabaseCredentials;
import io.inlet.db.DatabaseSettings;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.InboundMessage;
import io.inlet.testing.PasswordCheckingDatabase;
import io.inlet.testing.Samples;
import io.inlet.trigger.SettingException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration function as the CDK Trigger runs it: the stream handler the runtime calls, invoked
 * with the Trigger's empty payload, against an embedded PostgreSQL that checks passwords. Secrets are
 * the JSON documents Secrets Manager holds (RDS's master secret, the stack's generated role secrets),
 * served from a map in place of the service.
 */
class MigrationHandlerTest {

    private static final String MASTER_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:master-AbCdEf";

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> secretStore = new HashMap<>();

    private MigrationHandler handler(DatabaseSettings db) {
        return handler(db, Samples.root().resolve("feeds.yaml"));
    }

    private MigrationHandler handler(DatabaseSettings db, Path feeds) {
        secretStore.put(MASTER_ARN, "{\"username\":\"postgres\",\"password\":\"unused-trust\",\"engine\":\"postgres\",\"port\":5432}");
        Map<String, String> env = new HashMap<>();
        env.put("INLET_DATABASE_URL", db.url().replaceAll("([?&])user=[^&]*&?", "$1").replaceAll("[?&]$", ""));
        env.put("INLET_DATABASE_SECRET_ARN", MASTER_ARN);
        env.put("INLET_FEEDS", feeds.toString());
        for (String role : new String[] {"INGEST", "RELAY", "READER"}) {
            String arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:" + role.toLowerCase() + "-AbCdEf";
            env.put("INLET_LOGIN_SECRET_" + role, arn);
            secretStore.putIfAbsent(arn, "{\"username\":\"inlet_" + role.toLowerCase() + "_fn_" + suffix
                    + "\",\"password\":\"" + role + "-pw'\\\"\"}");
        }
        return new MigrationHandler(env, (variable, arn) -> {
            String json = secretStore.get(arn);
            if (json == null) throw new SettingException(variable, "'" + arn + "' could not be read: not found");
            try {
                JsonNode node = new ObjectMapper().readTree(json);
                return new DatabaseCredentials(node.get("username").asText(), node.get("password").asText());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, location -> location.load(null));
    }

    private static JsonNode invoke(RequestStreamHandler handler) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(new byte[0]), out, TestLambdaContext.withTimeout(300_000));
        return new ObjectMapper().readTree(out.toByteArray());
    }

    @Test
    void theTriggerInvocationMigratesCreatesTheRoleUsersAndASecondOneChangesNothing() throws Exception {
        DatabaseSettings db = PasswordCheckingDatabase.freshDatabase();

        JsonNode first = invoke(handler(db));
        JsonNode second = invoke(handler(db));

        assertThat(first.get("migrationsApplied").asInt()).isPositive();
        assertThat(first.get("eventTablesCreated")).isNotEmpty();
        assertThat(first.get("loginUsers")).hasSize(3).allMatch(u -> u.get("created").asBoolean());
        assertThat(second.get("migrationsApplied").asInt()).isZero();
        assertThat(second.get("eventTablesCreated")).isEmpty();
        assertThat(second.get("loginUsers")).hasSize(3).noneMatch(u -> u.get("created").asBoolean());
        try (Connection c = PasswordCheckingDatabase.login(db, "inlet_ingest_fn_" + suffix, "INGEST-pw'\"").getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_has_role(current_user, 'inlet_ingest', 'MEMBER'),"
                     + " pg_has_role(current_user, 'inlet_relay', 'MEMBER'), has_table_privilege('inlet.order_events', 'UPDATE')")) {
            rs.next();
            assertThat(rs.getBoolean(1)).isTrue();
            assertThat(rs.getBoolean(2)).isFalse();
            assertThat(rs.getBoolean(3)).isFalse();
        }
    }

    @Test
    void aRotatedRoleSecretIsAppliedByTheNextDeployment() throws Exception {
        DatabaseSettings db = PasswordCheckingDatabase.freshDatabase();
        invoke(handler(db));
        secretStore.put("arn:aws:secretsmanager:eu-west-1:123456789012:secret:relay-AbCdEf",
                "{\"username\":\"inlet_relay_fn_" + suffix + "\",\"password\":\"rotated\"}");

        invoke(handler(db));

        try (Connection c = PasswordCheckingDatabase.login(db, "inlet_relay_fn_" + suffix, "rotated").getConnection()) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    /** A feeds file with an inline projection, which a function refuses to start without. */
    static final String PROJECTED_FEEDS = """
            version: 1
            messages:
              - name: orders
                channel: orders
                mapping:
                  event_type: { column: type }
                  stream_id: "{order}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: order_events
            projections:
              - name: order_totals
                events: order_events
                mode: inline
                columns: { total: numeric }
                on:
                  ItemAdded: { total: { field: price, op: add } }
            """;

    @TempDir
    Path dir;

    @Test
    void theDeploymentBuildsTheDeclaredProjectionsSoTheFunctionsStartAndKeepThemInline() throws Exception {
        DatabaseSettings db = PasswordCheckingDatabase.freshDatabase();
        Path feeds = Files.writeString(dir.resolve("feeds.yaml"), PROJECTED_FEEDS);
        FeedRegistry registry = FeedRegistry.load(feeds);

        JsonNode first = invoke(handler(db, feeds));
        JsonNode second = invoke(handler(db, feeds));

        assertThat(first.get("projections").toString()).contains("order_totals");
        assertThat(second.get("projections").toString()).contains("order_totals");
        // a function logs in as its role's user: it starts, and its append keeps the projection in the same transaction
        DataSource ingest = PasswordCheckingDatabase.login(db, "inlet_ingest_fn_" + suffix, "INGEST-pw'\"");
        Inlet inlet = Inlet.builder().dataSource(ingest).feeds(registry).workerId("after-migration").build();
        inlet.ingestMessage(new InboundMessage("m1", "orders", "{\"id\":\"e1\",\"type\":\"ItemAdded\",\"order\":\"o-1\","
                + "\"at\":\"2026-12-06T10:00:00Z\",\"price\":\"2.50\"}", Map.of()));
        try (Connection c = ingest.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT stream_id || '=' || total FROM inlet.order_totals")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("o-1=2.50");
        }
    }

    /** A function error is what fails the Trigger, and with it the deployment, before any version is published. */
    @Test
    void aMigrationThatCannotRunThrowsSoTheDeploymentFails() {
        DatabaseSettings db = PasswordCheckingDatabase.freshDatabase();
        MigrationHandler handler = handler(db);
        secretStore.remove("arn:aws:secretsmanager:eu-west-1:123456789012:secret:reader-AbCdEf");

        assertThatThrownBy(() -> invoke(handler)).isInstanceOf(SettingException.class)
                .hasMessageContaining("INLET_LOGIN_SECRET_READER").hasMessageContaining("reader-AbCdEf");
    }
}
