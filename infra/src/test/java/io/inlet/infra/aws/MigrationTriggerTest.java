package io.inlet.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * The deployment migrates: the migration function runs (CDK Trigger) before every Inlet function's
 * published version, inside the VPC after the proxy; every function logs in as its role's user with
 * its own generated secret, never the master's; TLS is verified. Walks every variant's template.
 */
class MigrationTriggerTest {

    private static final List<InletSettings> VARIANTS = List.of(
            Synth.settings().build(),
            Synth.settings().database(new DatabaseSpec.Created("t4g.medium", 50, true)).build(),
            Synth.settings().objectDelivery(ObjectDelivery.LAMBDA).build(),
            Synth.settings().objectDelivery(ObjectDelivery.EVENTBRIDGE)
                    .database(new DatabaseSpec.Created("t4g.medium", 50, false)).build());

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> resources(Map<String, Object> template) {
        return (Map<String, Map<String, Object>>) (Object) template.get("Resources");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<String> ofType(Map<String, Map<String, Object>> resources, String type) {
        return resources.entrySet().stream().filter(e -> type.equals(e.getValue().get("Type"))).map(Map.Entry::getKey).toList();
    }

    private static List<String> dependsOn(Map<String, Object> resource) {
        Object d = resource.get("DependsOn");
        if (d instanceof String s) return List.of(s);
        if (d instanceof List<?> l) return l.stream().map(String::valueOf).toList();
        return List.of();
    }

    private static String ref(Object value) {
        return value instanceof Map<?, ?> m && m.get("Ref") != null ? String.valueOf(m.get("Ref")) : null;
    }

    @Test
    void theMigrationRunsBeforeEveryFunctionVersion() {
        for (InletSettings settings : VARIANTS) {
            Map<String, Map<String, Object>> resources = resources(Synth.json(settings));
            List<String> triggers = ofType(resources, "Custom::Trigger");
            assertThat(triggers).hasSize(1);
            String trigger = triggers.get(0);
            // the trigger invokes the migration function's current version, so a new jar or environment runs it again
            String handlerVersion = String.valueOf(map(resources.get(trigger).get("Properties")).get("HandlerArn"));
            assertThat(handlerVersion).contains("MigrationFunction").contains("CurrentVersion");
            List<String> versions = ofType(resources, "AWS::Lambda::Version");
            List<String> notAfter = new ArrayList<>();
            int functionVersions = 0;
            for (String version : versions) {
                String function = ref(map(resources.get(version).get("Properties")).get("FunctionName"));
                if (function != null && function.startsWith("Migration")) continue;
                functionVersions++;
                if (!dependsOn(resources.get(version)).contains(trigger)) notAfter.add(version);
            }
            assertThat(functionVersions).as("function versions in %s", settings.database()).isGreaterThanOrEqualTo(3);
            assertThat(notAfter).as("versions published without waiting for the migration").isEmpty();
        }
    }

    @Test
    void theMigrationRunsInsideTheVpcAfterTheProxyWithoutSnapStart() {
        Map<String, Map<String, Object>> resources = resources(Synth.json(VARIANTS.get(1)));
        String trigger = ofType(resources, "Custom::Trigger").get(0);
        assertThat(dependsOn(resources.get(trigger))).anyMatch(d -> d.startsWith("DatabasePostgresProxy"));
        Map<String, Object> migration = migrationFunction(resources);
        assertThat(map(migration.get("VpcConfig"))).containsKeys("SubnetIds", "SecurityGroupIds");
        assertThat(migration.get("SnapStart")).isNull();
        // the functions' runtime and architecture (docs/deploy.md, "Migration")
        assertThat(migration.get("Runtime")).isEqualTo(InletFunction.RUNTIME.getName());
        assertThat(migration.get("Architectures")).isEqualTo(java.util.List.of("arm64"));
    }

    private static Map<String, Object> migrationFunction(Map<String, Map<String, Object>> resources) {
        return resources.values().stream().filter(r -> "AWS::Lambda::Function".equals(r.get("Type")))
                .map(r -> map(r.get("Properties"))).filter(p -> InletStack.MIGRATION_HANDLER.equals(p.get("Handler")))
                .findFirst().orElseThrow();
    }

    private static Map<String, Object> variables(Map<String, Object> function) {
        return map(map(function.get("Environment")).get("Variables"));
    }

    @Test
    void everyFunctionLogsInAsItsRolesUserWithItsOwnSecretNeverTheMasters() {
        for (InletSettings settings : VARIANTS) {
            Map<String, Map<String, Object>> resources = resources(Synth.json(settings));
            Map<String, Object> migration = migrationFunction(resources);
            Object master = variables(migration).get("INLET_DATABASE_SECRET_ARN");
            for (Map<String, Object> resource : resources.values()) {
                if (!"AWS::Lambda::Function".equals(resource.get("Type"))) continue;
                Map<String, Object> props = map(resource.get("Properties"));
                String handler = String.valueOf(props.get("Handler"));
                if (!handler.startsWith("io.inlet.aws.") || handler.equals(InletStack.MIGRATION_HANDLER)) continue;
                Object secret = variables(props).get("INLET_DATABASE_SECRET_ARN");
                assertThat(secret).as(handler).isNotEqualTo(master);
                String secretId = ref(secret);
                assertThat(secretId).as(handler).isNotNull();
                String template = String.valueOf(map(map(resources.get(secretId).get("Properties")).get("GenerateSecretString"))
                        .get("SecretStringTemplate"));
                String role = handler.equals(InletStack.RELAY_HANDLER) ? "inlet_relay_" : "inlet_ingest_";
                assertThat(template).as(handler).contains("\"username\":\"" + role);
                assertThat(variables(props)).as(handler).doesNotContainKey("INLET_DATABASE_USER");
            }
            // only the migration (and RDS Proxy, which logs in with it) may read the master secret
            List<String> readers = new ArrayList<>();
            for (String policy : ofType(resources, "AWS::IAM::Policy")) {
                Map<String, Object> props = map(resources.get(policy).get("Properties"));
                for (Object statement : (List<?>) map(props.get("PolicyDocument")).get("Statement")) {
                    Object resource = map(statement).get("Resource");
                    if (String.valueOf(resource).equals(String.valueOf(master)) && String.valueOf(map(statement).get("Action")).contains("GetSecretValue")) {
                        readers.add(String.valueOf(((List<?>) props.get("Roles")).get(0)));
                    }
                }
            }
            assertThat(readers).as("roles reading the master secret").isNotEmpty()
                    .allMatch(r -> r.contains("MigrationFunctionRole") || r.contains("PostgresProxyIAMRole"));
        }
    }

    @Test
    void theProxyAuthenticatesTheRoleUsersAndEveryUrlVerifiesTheServer() {
        Template created = Synth.cached(VARIANTS.get(1));
        Map<String, Map<String, Object>> resources = resources(created.toJSON());
        String proxy = ofType(resources, "AWS::RDS::DBProxy").get(0);
        List<?> auth = (List<?>) map(resources.get(proxy).get("Properties")).get("Auth");
        assertThat(auth).hasSize(4); // master + ingest, relay, reader
        for (InletSettings settings : VARIANTS) {
            for (Map<String, Object> resource : resources(Synth.json(settings)).values()) {
                if (!"AWS::Lambda::Function".equals(resource.get("Type"))) continue;
                Object url = variables(map(resource.get("Properties"))).get("INLET_DATABASE_URL");
                if (url != null) assertThat(String.valueOf(url)).contains("sslmode=verify-full");
            }
        }
    }

    @Test
    void anExistingDatabaseUrlWithoutServerVerificationIsRefused() {
        for (String weak : List.of("jdbc:postgresql://h:5432/d", "jdbc:postgresql://h:5432/d?sslmode=require",
                "jdbc:postgresql://h:5432/d?sslmode=verify-ca", "jdbc:postgresql://h:5432/d?sslmode=verify-fullx")) {
            assertThatThrownBy(() -> new DatabaseSpec.Existing(weak, "inlet", Synth.EXISTING_SECRET_ARN, null)).as(weak)
                    .hasMessageContaining("sslmode=verify-full");
        }
    }

    @Test
    void roleUserNamesCarryTheStackNameSoStacksSharingADatabaseDoNotCollide() {
        assertThat(DatabaseAccess.LoginRole.INGEST.userName("Inlet-Staging")).isEqualTo("inlet_ingest_inlet_staging");
        assertThat(DatabaseAccess.LoginRole.READER.userName("X".repeat(80))).hasSize(63);
    }
}
