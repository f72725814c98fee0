package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InletCliTest {

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
        PrintStream original = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            int code = InletCli.execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void theOperationsCliHasNoDemoCommand() {
        // the demo and its emulators ship in demo/target/inlet-demo.jar (InletDemo), not in the operations CLI
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            assertThat(run("demo").code()).isEqualTo(ExitCodes.USAGE);
        } finally {
            System.setErr(originalErr);
        }
    }

    @Test
    void ingestReportsEachFileAndARerunAppendsNothing() {
        String root = Samples.files().toString();
        Run first = run("ingest", "acme", "--root", root, "--feeds", feeds, "--database-url", url);
        Run again = run("ingest", "acme", "--root", root, "--feeds", feeds, "--database-url", url);
        assertThat(first.code()).isZero();
        assertThat(first.out()).containsPattern("acme/orders-quoted.csv\\s+COMPLETED \\(#\\d+\\)\\s+7\\s+7\\s+0\\s+0\\s+0");
        assertThat(again.out()).containsPattern("acme/orders-quoted.csv\\s+ALREADY_COMPLETED");
    }

    @Test
    void metricsArePrintedWhenAsked() {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(run("ingest", "acme/orders-malformed.csv", "--metrics", "--root", Samples.files().toString(),
                    "--feeds", feeds, "--database-url", url).code()).isZero();
        } finally {
            System.setErr(originalErr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("metric inlet.files{feed=acme-orders,outcome=COMPLETED} count=1.0")
                .contains("metric inlet.records{feed=acme-orders,outcome=appended} count=3.0")
                .contains("metric inlet.records{feed=acme-orders,outcome=rejected} count=7.0");
    }

    @Test
    void filesOfAnotherFeedAreRefusedAndTheExitCodeSaysSo() {
        Run r = run("ingest", "globex", "--feed", "acme-orders", "--root", Samples.files().toString(), "--feeds", feeds,
                "--database-url", url);
        assertThat(r.code()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(r.out()).contains("refused: globex/orders-semicolon-decimal-comma.csv: not a file of feed acme-orders");
    }

    @Test
    void verifyExitsOneAndPrintsTheViolation() throws Exception {
        run("ingest", "acme/orders-quoted.csv", "--root", Samples.files().toString(), "--feeds", feeds, "--database-url", url);
        assertThat(run("verify", "--feeds", feeds, "--database-url", url).code()).isZero();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE inlet.ingested_files SET appended = appended - 1");
        }
        Run r = run("verify", "--feeds", feeds, "--database-url", url);
        assertThat(r.code()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(r.out()).contains("FAIL 01-completed-file-counts-balance", "records_read=7");
    }

    @Test
    void aWrongFeedsFileFailsWithTheFeedAndField() throws Exception {
        Path bad = tmp.resolve("feeds.yaml");
        java.nio.file.Files.writeString(bad, "version: 1\nfeeds:\n  - name: x\n    bucket: vendor-drop\n    key_pattern: \"a/**\"\n"
                + "    format: { type: csv }\n    mapping: { event_type: T, stream_id: s, occurred_at: { column: at, formats: [nope-pattern-T] }, id: { strategy: position } }\n");
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(run("migrate", "--feeds", bad.toString(), "--database-url", url).code()).isEqualTo(ExitCodes.CONFIG);
        } finally {
            System.setErr(originalErr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("feed 'x'").contains("mapping.occurred_at.formats[0]");
    }
}
