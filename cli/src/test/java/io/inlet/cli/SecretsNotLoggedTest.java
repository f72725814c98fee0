package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.db.DatabaseSettings;
import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whatever the CLI prints or logs — on success and on failure — never contains the database password. */
class SecretsNotLoggedTest {

    static final String SECRET = "Tops3cret-Pa55word";

    String captured(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(buf, true, StandardCharsets.UTF_8);
        try {
            System.setOut(both);
            System.setErr(both);
            int code = InletCli.execute(args);
            both.println("exit=" + code);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void thePasswordInTheUrlIsNeverPrintedOnSuccessOrFailure() {
        String feeds = Samples.root().resolve("feeds.yaml").toString();
        String url = TestDatabase.settingsFor(TestDatabase.fresh(List.copyOf(Samples.feeds().eventTables()))).url();
        String withSecret = url + (url.contains("?") ? "&" : "?") + "password=" + SECRET;
        String ok = captured("ingest", "acme/orders-malformed.csv", "-v", "--root", Samples.files().toString(),
                "--feeds", feeds, "--database-url", withSecret);
        assertThat(ok).contains("exit=0").contains("INFO").contains("orders-malformed.csv: COMPLETED").doesNotContain(SECRET);

        String badDb = withSecret.replaceFirst("/inlet_test_[0-9_]+", "/no_such_database");
        String failed = captured("status", "-v", "--feeds", feeds, "--database-url", badDb);
        assertThat(failed).contains("exit=" + ExitCodes.FAILURE).contains("no_such_database").doesNotContain(SECRET);
    }

    @Test
    void aPostgresUrlWithUserinfoIsRefusedWithoutEchoingThePassword() {
        String feeds = Samples.root().resolve("feeds.yaml").toString();
        for (String url : List.of("postgres://inlet:" + SECRET + "@db.example:5432/inlet",
                "postgresql://inlet:" + SECRET + "@db.example/inlet", "jdbc:postgresql://inlet:" + SECRET + "@db.example:x/inlet")) {
            String out = captured("status", "--feeds", feeds, "--database-url", url);
            assertThat(out).doesNotContain(SECRET).contains("db.example").doesNotContain("exit=0");
        }
    }

    @Test
    void settingsRedactThePasswordWhenPrinted() {
        DatabaseSettings s = new DatabaseSettings("jdbc:postgresql://db:5432/x?password=" + SECRET, "u", SECRET);
        assertThat(s.toString()).doesNotContain(SECRET).contains("password=***");
        assertThat(DatabaseSettings.redact(s.url())).doesNotContain(SECRET);
    }
}
