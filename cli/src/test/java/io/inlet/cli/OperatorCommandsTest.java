package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.ledger.Claim;
import io.inlet.ledger.FileLedger;
import io.inlet.source.LocalFileSource;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator verbs of issue 13.3, 13.4, 13.6 and 13.11 as commands, and the runbook procedures that use them. */
class OperatorCommandsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** {@code %s}: the timestamp formats (the fix adds the vendor's second format). */
    static final String FEEDS = """
            version: 1
            feeds:
              - name: orders
                bucket: drop
                key_pattern: "orders/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "customer-{customer}"
                  occurred_at: { column: at, formats: [%s] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all }
                table: order_events
                errors: { policy: skip_file }
            """;
    static final String BROKEN = "\"iso\"";
    static final String FIXED = "\"iso\", \"yyyy-MM-dd HH:mm:ss\"";

    @TempDir
    Path dir;
    DataSource ds;
    String url;
    Path feeds;

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        ds = TestDatabase.fresh("order_events");
        url = TestDatabase.settingsFor(ds).url();
        feeds = dir.resolve("feeds.yaml");
        Files.writeString(feeds, FEEDS.formatted(BROKEN));
    }

    Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
            all.addAll(java.util.List.of("--feeds", feeds.toString(), "--database-url", url));
            // the commands that read local files take --root
            if (java.util.Set.of("ingest", "reprocess", "unlock").contains(args[0]) || all.contains("resume")) {
                all.addAll(java.util.List.of("--root", dir.toString()));
            }
            int code = InletCli.execute(all.toArray(String[]::new));
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    void write(String key, int rows, int... oldStyle) throws Exception {
        StringBuilder sb = new StringBuilder("order_id,customer,amount,at\n");
        for (int i = 1; i <= rows; i++) {
            int row = i;
            boolean old = java.util.Arrays.stream(oldStyle).anyMatch(b -> b == row);
            sb.append(key.replace('/', '-')).append("-O").append(i).append(",c").append(i % 5).append(',').append(i).append(".5,")
                    .append(old ? "2026-11-20 10:00:00" : "2026-11-20T10:00:00Z").append('\n');
        }
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb.toString());
    }

    String query(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            StringBuilder b = new StringBuilder();
            while (rs.next()) b.append(b.length() == 0 ? "" : "\n").append(rs.getString(1));
            return b.toString();
        }
    }

    /** Runbook "file rejected, feed fixed, reprocessed", step by step as docs/operations.md gives it. */
    @Test
    void runbookFileRejectedFeedFixedReprocessed() throws Exception {
        write("orders/2026-11-20.csv", 6, 4);
        // 1. the file is rejected: status and rejects say why
        Run ingest = run("ingest", "orders/2026-11-20.csv");
        assertThat(ingest.code()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(ingest.out()).contains("REJECTED (#1)");
        assertThat(run("status").out()).contains("REJECTED", "not a timestamp");
        // 2. fix the feed; check that a plain re-run does not load it (a finished version is final)
        Files.writeString(feeds, FEEDS.formatted(FIXED));
        assertThat(run("ingest", "orders/2026-11-20.csv").out()).contains("ALREADY_COMPLETED");
        // 3. reprocess it, saying why
        Run reprocess = run("reprocess", "orders/2026-11-20.csv", "--reason", "feed fixed: second timestamp format",
                "--operator", "alice", "--json");
        assertThat(reprocess.code()).as(reprocess.err()).isZero();
        JsonNode doc = reprocess.json();
        assertThat(doc.path("outcome").asText()).isEqualTo("COMPLETED");
        assertThat(doc.path("previous_status").asText()).isEqualTo("REJECTED");
        assertThat(doc.path("counts").path("appended").asLong()).isEqualTo(6);
        // 4. the audit says who, when, why and how it ended
        assertThat(query("SELECT operator || '|' || reason || '|' || outcome || '|' || appended FROM reprocess_runs"))
                .isEqualTo("alice|feed fixed: second timestamp format|COMPLETED|6");
        assertThat(query("SELECT count(*) FROM order_events")).isEqualTo("6");
        // reprocessing again appends nothing: every record is a duplicate
        Run again = run("reprocess", "1", "--reason", "check");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("reprocess run 2 of file #1", "COMPLETED (#1)");
        assertThat(query("SELECT duplicate FROM reprocess_runs WHERE run_id = 2")).isEqualTo("6");
        assertThat(query("SELECT count(*) FROM order_events")).isEqualTo("6");
    }

    @Test
    void reprocessArgumentsAreCheckedBeforeAnythingChanges() throws Exception {
        write("orders/a.csv", 2);
        run("ingest", "orders/a.csv");
        assertThat(run("reprocess", "99", "--reason", "x").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("reprocess", "orders/nope.csv", "--reason", "x").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("reprocess", "1").code()).isEqualTo(ExitCodes.USAGE); // --reason is required
        assertThat(run("reprocess", "1", "--reason", "x", "--source", "ftp").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(query("SELECT count(*) FROM reprocess_runs")).isEqualTo("0");
    }

    /** Runbook "stuck file", step by step as docs/operations.md gives it. */
    @Test
    void runbookStuckFile() throws Exception {
        Files.writeString(feeds, FEEDS.formatted(FIXED));
        write("orders/stuck.csv", 3);
        // a function elsewhere claimed it, then died: its lease runs for another 10 minutes
        Claim claim = new FileLedger(new Transactions(ds)).claim(io.inlet.ledger.ClaimRequest.builder(new LocalFileSource(dir).refFor("drop", dir.resolve("orders/stuck.csv")), "orders", "fn-7~ab12#1", Duration.ofMinutes(10)).build());
        long id = ((Claim.Claimed) claim).fileId();
        // 1. the run is refused: another worker holds the file
        Run refusedIngest = run("ingest", "orders/stuck.csv");
        assertThat(refusedIngest.code()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(refusedIngest.out()).contains("IN_PROGRESS_ELSEWHERE");
        // 2. status shows who holds it and until when
        assertThat(run("status").out()).contains("leased by fn-7~ab12#1 until ");
        // 3. unlock refuses a live lease
        Run refused = run("unlock", String.valueOf(id));
        assertThat(refused.code()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(refused.err()).contains("live lease", "--force");
        assertThat(query("SELECT count(*) FROM lease_releases")).isEqualTo("0");
        // 4. the operator knows the function is gone: force, with a reason
        Run forced = run("unlock", "orders/stuck.csv", "--force", "--reason", "function timed out", "--json");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(forced.json().path("was_live").asBoolean()).isTrue();
        // 5. the next run loads it at once
        Run next = run("ingest", "orders/stuck.csv");
        assertThat(next.code()).isZero();
        assertThat(next.out()).contains("COMPLETED (#" + id + ")");
        assertThat(query("SELECT kind || '|' || lease_owner || '|' || reason FROM lease_releases"))
                .isEqualTo("FORCED|fn-7~ab12#1|function timed out");
    }

    @Test
    void takeOverRefusesALiveHolderAndTakesADeadOne() throws Exception {
        Files.writeString(feeds, FEEDS.formatted(FIXED));
        write("orders/a.csv", 3);
        write("orders/b.csv", 3);
        FileLedger ledger = new FileLedger(new Transactions(ds));
        LocalFileSource local = new LocalFileSource(dir);
        ledger.claim(io.inlet.ledger.ClaimRequest.builder(local.refFor("drop", dir.resolve("orders/a.csv")), "orders", "fn-7~ab12#1", Duration.ofMinutes(10)).build());
        // an inlet process of this host that has ended (no such pid) holds b with a live lease
        ledger.claim(io.inlet.ledger.ClaimRequest.builder(local.refFor("drop", dir.resolve("orders/b.csv")), "orders", "cli@" + Operator.host() + ":" + Integer.MAX_VALUE + "~ab12#1", Duration.ofMinutes(10)).build());

        Run run = run("ingest", "orders", "--take-over");
        assertThat(run.code()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(run.out()).contains("orders/a.csv", "IN_PROGRESS_ELSEWHERE").contains("orders/b.csv", "COMPLETED");
        assertThat(run.err()).contains("not taking over orders/a.csv", "live lease");
        assertThat(query("SELECT kind FROM lease_releases")).isEqualTo("TAKE_OVER");

        Run forced = run("ingest", "orders", "--take-over", "--force");
        assertThat(forced.code()).isZero();
        assertThat(query("SELECT string_agg(kind, ',' ORDER BY release_id) FROM lease_releases")).isEqualTo("TAKE_OVER,FORCED");
        assertThat(run("ingest", "orders", "--force").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aFailingFileDoesNotAbortTheOthersEveryFileGetsItsLineAndTheExitCodeSaysSo() throws Exception {
        Files.writeString(feeds, FEEDS.formatted(FIXED));
        write("orders/a.csv", 3);
        write("orders/b.csv", 3);
        write("orders/c.csv", 3);
        // the database refuses b's events (a trigger an operator added): an error that is neither transient nor a bad record
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE FUNCTION refuse_b() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN IF NEW.event_id::text IS NOT NULL AND NEW.payload->>'order_id' LIKE 'orders-b.csv-%' THEN
                      RAISE EXCEPTION 'b is refused by policy'; END IF; RETURN NEW; END $$;
                    CREATE TRIGGER refuse_b BEFORE INSERT ON order_events FOR EACH ROW EXECUTE FUNCTION refuse_b();""");
        }
        Run run = run("ingest", "orders");
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).containsPattern("orders/a.csv +COMPLETED").containsPattern("orders/c.csv +COMPLETED")
                .contains("failed: orders/b.csv: ").contains("b is refused by policy");
        assertThat(query("SELECT count(*) FROM order_events")).isEqualTo("6");
    }

    @Test
    void pauseHoldsNewFilesListShowsThemAndResumeLoadsThemInArrivalOrder() throws Exception {
        Files.writeString(feeds, FEEDS.formatted(FIXED));
        assertThat(run("feed", "pause", "orders", "--reason", "vendor incident 4711", "--operator", "bob").code()).isZero();
        write("orders/z.csv", 2);
        write("orders/a.csv", 2);
        Run z = run("ingest", "orders/z.csv");
        Run a = run("ingest", "orders/a.csv");
        assertThat(z.code()).isZero();
        assertThat(z.out()).contains("HELD (#1)");
        assertThat(a.out()).contains("HELD (#2)");
        assertThat(run("ingest", "orders/z.csv").out()).contains("HELD (#1)");
        assertThat(query("SELECT count(*) FROM order_events")).isEqualTo("0");

        JsonNode list = run("feed", "list", "--json").json().path("feeds").get(0);
        assertThat(list.path("paused").asBoolean()).isTrue();
        assertThat(list.path("held").asLong()).isEqualTo(2);
        assertThat(list.path("pause").path("reason").asText()).isEqualTo("vendor incident 4711");
        assertThat(run("status").out()).contains("paused feed orders: by bob since", "2 file(s) held: vendor incident 4711");
        assertThat(run("status", "--metrics").err()).isNotNull();

        Run resume = run("feed", "resume", "orders", "--json");
        assertThat(resume.code()).as(resume.err()).isZero();
        JsonNode files = resume.json().path("files");
        assertThat(files.get(0).path("object").asText()).isEqualTo("drop/orders/z.csv");
        assertThat(files.get(1).path("object").asText()).isEqualTo("drop/orders/a.csv");
        assertThat(files.get(0).path("outcome").asText()).isEqualTo("COMPLETED");
        assertThat(query("SELECT count(*) FROM order_events")).isEqualTo("4");
        assertThat(run("feed", "list").out()).containsPattern("orders +file +active");
        assertThat(run("feed", "pause", "nope", "--reason", "x").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void purgeDryRunCountsAndABadAgeIsAUsageError() throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO processed_messages (channel, message_id, status, last_seen) VALUES "
                    + "('q', 'old', 'PROCESSED', now() - interval '100 days'), ('q', 'new', 'PROCESSED', now())");
        }
        Run dry = run("purge", "--older-than", "90d", "--dry-run", "--json");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.json().path("total").asLong()).isEqualTo(1);
        assertThat(query("SELECT count(*) FROM processed_messages")).isEqualTo("2");
        Run purge = run("purge");
        assertThat(purge.code()).isZero();
        assertThat(purge.out()).contains("1 row(s) older than 90d deleted");
        assertThat(query("SELECT message_id FROM processed_messages")).isEqualTo("new");
        assertThat(run("purge", "--older-than", "3h").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("purge", "--older-than", "soon").code()).isEqualTo(ExitCodes.USAGE);
    }
}
