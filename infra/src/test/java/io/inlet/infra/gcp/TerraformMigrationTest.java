package io.inlet.infra.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inlet.infra.gcp.TerraformConfiguration.Resource;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GCP deployment migrates: a Cloud Run job runs the migration from the functions jar, Terraform
 * waits for its execution to complete (run_execution_token) before any function, a new jar, feeds
 * location or password runs it again, and every function logs in as its role's user with its own
 * secret over verified TLS. Read from the module as HashiCorp's parser reads it.
 */
class TerraformMigrationTest {

    private static TerraformConfiguration config;

    @BeforeAll
    static void parse() throws Exception {
        config = TerraformConfiguration.parse(TerraformConfiguration.moduleDirectory());
    }

    @Test
    void theMigrationJobRunsTheJarsMigrationToCompletionBeforeEveryFunction() {
        Resource job = config.resource("google_cloud_run_v2_job", "migrate");
        assertThat(job.text("run_execution_token")).isEqualTo("${local.migration_token}");
        JsonNode container = job.block("template").path("template").get(0).path("containers").get(0);
        assertThat(TerraformConfiguration.strings(container.path("args"))).contains("io.inlet.gcp.migrate.MigrationJob");
        assertThat(job.block("template").path("template").get(0).path("max_retries").asInt()).isZero();
        for (Resource function : config.resources("google_cloudfunctions2_function")) {
            assertThat(TerraformConfiguration.strings(function.body().path("depends_on"))).as(function.address())
                    .anyMatch(d -> d.contains("google_cloud_run_v2_job.migrate"));
        }
    }

    @Test
    void aNewJarFeedsLocationUserOrPasswordRunsTheMigrationAgain() {
        String token = config.locals().path("migration_token").asText();
        assertThat(token).contains("data.archive_file.functions.output_sha256", "var.feeds_location", "local.database_url",
                "local.login_users[role]", "google_secret_manager_secret_version.login[role].name");
        // the job name plus the token must stay under 63 characters: prefix <= 15, "-migrate", 20
        assertThat(token).startsWith("${substr(").endsWith(", 0, 20)}");
    }

    @Test
    void eachRoleHasItsOwnGeneratedSecretAndOnlyTheMigrationReadsTheAdminPassword() {
        assertThat(config.locals().path("login_roles").toString()).contains("inlet_ingest", "inlet_relay", "inlet_reader");
        assertThat(config.resource("google_secret_manager_secret", "login").text("for_each")).isEqualTo("${local.login_roles}");
        assertThat(config.resource("google_secret_manager_secret_version", "login").text("secret_data"))
                .isEqualTo("${random_password.login[each.key].result}");
        List<Resource> adminReaders = config.resources("google_secret_manager_secret_iam_member").stream()
                .filter(r -> "${local.password_secret_id}".equals(r.text("secret_id"))).toList();
        assertThat(adminReaders).extracting(Resource::name).containsExactly("migrate_reads_admin_password");
        JsonNode env = config.resource("google_cloud_run_v2_job", "migrate").block("template").path("template").get(0)
                .path("containers").get(0);
        assertThat(env.toString()).contains("INLET_LOGIN_USER_${upper(env.key)}", "INLET_LOGIN_PASSWORD_${upper(env.key)}",
                "google_secret_manager_secret.login[env.key].secret_id");
    }

    @Test
    void theDatabaseUrlVerifiesTheServerOnEveryPath() {
        String url = config.locals().path("database_url").asText();
        assertThat(url).contains("sslmode=verify-full", "sslrootcert=${local.database_ca_mount}/server-ca.pem",
                "sslhostnameverifier=io.inlet.gcp.migrate.CloudSqlHostnameVerifier").doesNotContain("sslmode=require");
        assertThat(config.variables().get("existing_database_url").toString()).contains("sslmode=verify-full");
        assertThat(config.resource("google_secret_manager_secret_version", "database_ca").text("secret_data"))
                .isEqualTo("${google_sql_database_instance.inlet[0].server_ca_cert[0].cert}");
        for (Resource function : config.resources("google_cloudfunctions2_function")) {
            assertThat(function.block("service_config").toString()).as(function.address())
                    .contains("secret_volumes", "${local.database_ca_mount}");
        }
    }
}
