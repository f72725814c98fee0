package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.db.InletRole;
import io.inlet.db.LoginUser;
import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** `inlet migrate` is the deployment's database step (SchemaDeployment), with its report as JSON. */
class MigrateCommandTest {

    private static JsonNode migrateJson(String url) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            int code = InletCli.execute("migrate", "--feeds", Samples.root().resolve("feeds.yaml").toString(),
                    "--database-url", url, "--json");
            assertThat(code).isEqualTo(ExitCodes.OK);
        } finally {
            System.setOut(original);
        }
        return new ObjectMapper().readTree(buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aSecondMigrateReportsNothingAppliedOrCreated() throws Exception {
        String url = TestDatabase.settingsFor(TestDatabase.fresh()).url(); // schema, only the default table

        JsonNode first = migrateJson(url);
        JsonNode second = migrateJson(url);

        assertThat(first.get("eventTablesCreated")).isNotEmpty();
        assertThat(second.get("migrationsApplied").asInt()).isZero();
        assertThat(second.get("eventTablesCreated")).isEmpty();
        assertThat(second.get("eventTables")).isEqualTo(first.get("eventTables"));
    }

    @Test
    void loginOptionsTakeTheirPasswordsFromTheEnvironment() {
        List<LoginUser> users = MigrateCommand.loginUsers(List.of("ingest=fn_ingest", "RELAY=fn relay'; --"),
                Map.of("INLET_LOGIN_PASSWORD_INGEST", "a", "INLET_LOGIN_PASSWORD_RELAY", "b"));

        assertThat(users).extracting(LoginUser::name, LoginUser::role, LoginUser::password).containsExactly(
                org.assertj.core.groups.Tuple.tuple("fn_ingest", InletRole.INGEST, "a"),
                org.assertj.core.groups.Tuple.tuple("fn relay'; --", InletRole.RELAY, "b"));
    }

    @Test
    void badLoginOptionsAreUsageErrors() {
        Map<String, String> env = Map.of("INLET_LOGIN_PASSWORD_INGEST", "a");
        for (String bad : List.of("ingest", "=x", "ingest=", "admin=x", "relay=x", "ingest=pg_x", "ingest=inlet_ingest")) {
            assertThatThrownBy(() -> MigrateCommand.loginUsers(List.of(bad), env)).as(bad)
                    .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode).isEqualTo(ExitCodes.USAGE));
        }
        assertThatThrownBy(() -> MigrateCommand.loginUsers(List.of("ingest=a", "ingest=a"), env))
                .hasMessageContaining("given twice");
    }
}
