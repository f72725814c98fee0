package io.inlet.gcp.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.db.DatabaseSettings;
import io.inlet.db.DeploymentReport;
import io.inlet.testing.PasswordCheckingDatabase;
import io.inlet.trigger.SettingException;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Cloud Run job's main step against an embedded PostgreSQL that checks passwords, configured as Terraform configures the job. */
class MigrationJobTest {

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    private Map<String, String> environment(DatabaseSettings db) {
        Map<String, String> env = new HashMap<>();
        env.put("INLET_DATABASE_URL", db.url().replaceAll("([?&])user=[^&]*&?", "$1").replaceAll("[?&]$", ""));
        env.put("INLET_DATABASE_USER", "postgres");
        env.put("INLET_DATABASE_PASSWORD", "trusted-admin");
        env.put("INLET_FEEDS", io.inlet.testing.Samples.root().resolve("feeds.yaml").toString());
        for (String role : new String[] {"INGEST", "RELAY", "READER"}) {
            env.put("INLET_LOGIN_USER_" + role, "inlet_" + role.toLowerCase() + "_" + suffix);
            env.put("INLET_LOGIN_PASSWORD_" + role, "pw-" + role + "-$'\"");
        }
        return env;
    }

    @Test
    void theJobMigratesCreatesTheRoleUsersAndASecondExecutionChangesNothing() throws Exception {
        DatabaseSettings db = PasswordCheckingDatabase.freshDatabase();

        DeploymentReport first = MigrationJob.run(environment(db), location -> location.load(null));
        DeploymentReport second = MigrationJob.run(environment(db), location -> location.load(null));

        assertThat(first.migrationsApplied()).isPositive();
        assertThat(first.loginUsers()).hasSize(3).allMatch(DeploymentReport.LoginOutcome::created);
        assertThat(second.schemaUnchanged()).isTrue();
        assertThat(second.loginUsers()).noneMatch(DeploymentReport.LoginOutcome::created);
        try (Connection c = PasswordCheckingDatabase.login(db, "inlet_relay_" + suffix, "pw-RELAY-$'\"").getConnection()) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void aUserWithoutItsPasswordStopsTheJobNamingTheVariable() {
        Map<String, String> env = environment(PasswordCheckingDatabase.freshDatabase());
        env.remove("INLET_LOGIN_PASSWORD_READER");

        assertThatThrownBy(() -> MigrationJob.run(env, location -> location.load(null)))
                .isInstanceOf(SettingException.class).hasMessageContaining("INLET_LOGIN_PASSWORD_READER");
    }
}
