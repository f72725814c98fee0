package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a vendor (or whoever plants files) controls never leaves --root, nor reaches the terminal raw. */
class HostileInputCliTest {

    static final String SECRET = "planted-secret-value";
    static final String ESC = "\u001b", RLO = "\u202e", BEL = "\u0007";

    @TempDir
    Path tmp;
    DataSource ds;
    String url;
    String feeds;

    @BeforeEach
    void database() {
        ds = TestDatabase.fresh(List.copyOf(Samples.feeds().eventTables()));
        url = TestDatabase.settingsFor(ds).url();
        feeds = Samples.root().resolve("feeds.yaml").toString();
    }

    record Run(int code, String out) {
    }

    Run run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(buf, true, StandardCharsets.UTF_8);
        try {
            System.setOut(both);
            System.setErr(both);
            int code = InletCli.execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    List<String> column(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    @Test
    void symbolicLinksLeadingOutOfTheRootAreRefusedPerFileAndNeverRead() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.csv"), "order_id,ordered_at\n" + SECRET + ",not-a-time\n");
        Files.createDirectories(root.resolve("acme"));
        Files.copy(Samples.files().resolve("acme/orders-quoted.csv"), root.resolve("acme/good.csv"));
        Files.createSymbolicLink(root.resolve("acme/leak.csv"), outside.resolve("secret.csv"));
        Files.createSymbolicLink(root.resolve("acme/linked"), outside);
        Files.createSymbolicLink(root.resolve("acme/alias.csv"), root.resolve("acme/good.csv")); // stays inside: fine

        Run r = run("ingest", "acme", "acme/linked/secret.csv", "--root", root.toString(), "--bucket", "vendor-drop",
                "--feeds", feeds, "--database-url", url);

        assertThat(r.code()).as(r.out()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(r.out()).contains("refused: acme/leak.csv: symbolic link resolves outside the root",
                "refused: acme/linked/secret.csv: symbolic link resolves outside the root");
        assertThat(r.out()).containsPattern("acme/good.csv\\s+COMPLETED").containsPattern("acme/alias.csv\\s+COMPLETED");
        assertThat(column("SELECT object_key FROM inlet.ingested_files ORDER BY 1")).containsExactly("acme/alias.csv", "acme/good.csv");
        assertThat(column("SELECT coalesce(raw_text, '') || reason FROM inlet.rejected_records")).noneMatch(t -> t.contains(SECRET));
    }

    @Test
    void rejectsStatusAndIngestShowVendorControlCharactersEscaped() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("acme"));
        String evilKey = "acme/evil" + ESC + "[2J" + RLO + "vsc.csv";
        Files.writeString(root.resolve(evilKey), "order_id,ordered_at,amount\n"
                + "A-1,2026-11-20T08:15:00Z,1.00\n"
                + "A-2," + ESC + "]0;pwned" + BEL + RLO + "gpj.exe,2.00\n");

        Run ingest = run("ingest", "acme", "--root", root.toString(), "--bucket", "vendor-drop", "--feeds", feeds,
                "--database-url", url);
        Run rejects = run("rejects", evilKey, "--feeds", feeds, "--database-url", url);
        Run status = run("status", "--feeds", feeds, "--database-url", url);

        assertThat(ingest.code()).as(ingest.out()).isZero();
        assertThat(rejects.out()).contains("1 rejected record(s)");
        for (Run r : List.of(ingest, rejects, status)) {
            assertThat(r.out()).doesNotContain(ESC).doesNotContain(RLO).doesNotContain(BEL)
                    .contains("acme/evil\\x1b[2J\\u202evsc.csv");
        }
        assertThat(rejects.out()).contains("A-2,\\x1b]0;pwned\\x07\\u202egpj.exe,2.00");
    }

    @Test
    void statusShowsTheFailedAttemptsAndLastFailureOfAFileInProgressEscapedAndAligned() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("acme"));
        Files.copy(Samples.files().resolve("acme/orders-quoted.csv"), root.resolve("acme/stuck.csv"));
        Files.copy(Samples.files().resolve("acme/orders-quoted.csv"), root.resolve("acme/fine.csv"));
        assertThat(run("ingest", "acme", "--root", root.toString(), "--bucket", "vendor-drop", "--feeds", feeds,
                "--database-url", url).code()).isZero();
        // as the ledger stands after two attempts failed on a trigger quoting vendor text
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE inlet.ingested_files SET status = 'IN_PROGRESS', lease_owner = 'w', failed_attempts = 2, "
                    + "last_failure = 'database error (SQLState 42501): denied " + ESC + "[2J" + RLO + "' "
                    + "WHERE object_key = 'acme/stuck.csv'");
        }

        Run status = run("status", "--feeds", feeds, "--database-url", url);

        assertThat(status.out()).doesNotContain(ESC).doesNotContain(RLO)
                .containsPattern("acme/stuck.csv\\s+IN_PROGRESS .*failed_attempts=2 last_failure: "
                        + "database error \\(SQLState 42501\\): denied \\\\x1b\\[2J\\\\u202e");
        String header = status.out().lines().filter(l -> l.contains("FIRST ERROR")).findFirst().orElseThrow();
        String stuck = status.out().lines().filter(l -> l.contains("acme/stuck.csv")).findFirst().orElseThrow();
        String fine = status.out().lines().filter(l -> l.contains("acme/fine.csv")).findFirst().orElseThrow();
        // the columns stay aligned: the status column starts at one offset on every line
        assertThat(stuck.indexOf("IN_PROGRESS")).isEqualTo(header.indexOf("STATUS")).isEqualTo(fine.indexOf("COMPLETED"));
        assertThat(fine).doesNotContain("failed_attempts");
    }

    @Test
    void migrateFailsWhenAFeedTableExistsAndIsNoEventTable() throws Exception {
        Path bad = tmp.resolve("feeds.yaml");
        Files.writeString(bad, Files.readString(Path.of(feeds)).replace("table: billing_events", "table: events_pkey"));
        Run r = run("migrate", "--feeds", bad.toString(), "--database-url", url);
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.out()).contains("not an event table", "events_pkey is not a table").doesNotContain("migrated:");
    }

    @Test
    void textEscapesEveryInvisibleOrControllingCharacterAndNothingElse() {
        assertThat(TerminalText.escape("plain ünïcödé 😀 text")).isEqualTo("plain ünïcödé 😀 text");
        assertThat(TerminalText.escape("a\\b\n\r\t" + ESC + "\u007f\u0085\u009b" + RLO + "\u2066\u200b\ufeff\u2028\ud800x"))
                .isEqualTo("a\\\\b\\n\\r\\t\\x1b\\x7f\\x85\\x9b\\u202e\\u2066\\u200b\\ufeff\\u2028\\ud800x");
    }
}
