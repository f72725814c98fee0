package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.ingest.RejectReplay;
import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's operator commands run as a careless operator would: repeated, interleaved, with hostile
 * arguments, and after each one the invariants ({@code inlet verify} exits 0, the events are exactly
 * the model's: no event doubled or lost, every intervention audited).
 *
 * <p>The seeded search replays with {@code -Dinlet.operator.seed=N} (and {@code -Dinlet.operator.steps=K}, default 25).
 */
class OperatorSequencesTest {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: vendor-orders
                bucket: vendor-drop
                key_pattern: "orders/**"
                format: { type: csv, delimiter: ",", header: true }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: ordered_at, formats: ["iso"], zone: UTC }
                  id: { strategy: position }
                  payload:
                    include: all
                    fields:
                      amount: { type: decimal }
                table: order_events
                errors: { policy: continue }
            """;

    /** Records 2 and 4 are rejected; 1 and 3 are good. */
    static String file(String prefix) {
        return """
                order_id,customer,amount,ordered_at
                %1$s-1,Jane,10.00,2026-11-20T08:00:00Z
                %1$s-2,John,ten,2026-11-20T08:01:00Z
                %1$s-3,Zoe,30.00,2026-11-20T08:02:00Z
                %1$s-4,Max,40.00,not-a-date
                """.formatted(prefix);
    }

    static String corrected(String prefix) {
        return """
                order_id,customer,amount,ordered_at,_record
                %1$s-4,Max,40.00,2026-11-20T08:03:00Z,4
                %1$s-2,John,20.00,2026-11-20T08:01:00Z,2
                """.formatted(prefix);
    }

    static final List<String> KEYS = List.of("orders/a.csv", "orders/b.csv");

    @TempDir
    Path tmp;
    DataSource ds;
    String url;
    String feeds;
    Path root;

    @BeforeEach
    void setUp() throws Exception {
        ds = TestDatabase.fresh(List.copyOf(Samples.feeds().eventTables()));
        url = TestDatabase.settingsFor(ds).url();
        feeds = Files.writeString(tmp.resolve("feeds.yaml"), FEEDS).toString();
        root = tmp.resolve("files");
        Files.createDirectories(root.resolve("orders"));
        for (String key : KEYS) {
            String prefix = key.substring(7, 8).toUpperCase();
            Files.writeString(root.resolve(key), file(prefix));
            Files.writeString(tmp.resolve("corrected-" + prefix + ".csv"), corrected(prefix));
        }
    }

    CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--feeds", feeds, "--database-url", url));
        if (List.of("ingest", "reprocess", "unlock").contains(args[0]) || all.contains("resume")) {
            all.addAll(List.of("--root", root.toString()));
        }
        return CliRun.of(all.toArray(String[]::new));
    }

    long count(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void sql(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    void assertVerifies(String after) {
        CliRun verify = cli("verify");
        assertThat(verify.code()).as("inlet verify after " + after + "\n" + verify).isZero();
    }

    /**
     * Retention deletes a file's resolved rejects and counts them on its ledger row; a reprocess then
     * clears the file's rejects and counts and records its own. The purged count of the earlier run
     * must go with them, or check 02 counts the old purged rejects on top of the new ones.
     */
    @Test
    void reprocessAfterRetentionPurgedTheResolvedRejectsKeepsTheRejectCountsBalanced() throws Exception {
        assertThat(cli("ingest", "orders/a.csv").code()).isZero();
        CliRun replay = cli("rejects", "replay", "orders/a.csv", "--from", tmp.resolve("corrected-A.csv").toString(), "--reason", "vendor fix");
        assertThat(replay.code()).as(replay.toString()).isZero();
        sql("UPDATE inlet.rejected_records SET resolved_at = now() - interval '2 days' WHERE resolved_at IS NOT NULL");
        CliRun purge = cli("purge", "--older-than", "1d");
        assertThat(purge.code()).as(purge.toString()).isZero();
        assertVerifies("purge");
        CliRun reprocess = cli("reprocess", "orders/a.csv", "--reason", "feed fix check");
        assertThat(reprocess.code()).as(reprocess.toString()).isIn(ExitCodes.OK, ExitCodes.FINDINGS);
        assertVerifies("reprocess of a file whose resolved rejects were purged");
        assertThat(count("SELECT count(*) FROM inlet.order_events")).isEqualTo(4);
    }

    /**
     * Out-of-range and malformed arguments of the retention and replay commands are bad arguments
     * (exit 2, nothing written), never a database error (exit 4) halfway through.
     */
    @Test
    void hostileAgesAndStartsAreBadArgumentsNotDatabaseErrors() throws Exception {
        assertThat(cli("ingest", "orders/a.csv").code()).isZero();
        for (String age : List.of("0d", "-1d", "0h", "23h", "99999999d", "1D", "d", "1.5d", "\u0661d", "1d;DROP TABLE x")) {
            CliRun r = cli("purge", "--older-than", age);
            assertThat(r.code()).as("purge --older-than " + age + "\n" + r).isEqualTo(ExitCodes.USAGE);
        }
        for (String age : List.of("1d", "24h", "999999d", "999999h")) {
            CliRun r = cli("purge", "--older-than", age);
            assertThat(r.code()).as("purge --older-than " + age + "\n" + r).isZero();
        }
        long replays = count("SELECT count(*) FROM inlet.outbox_replays");
        for (String from : List.of("+10000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "+300000-01-01T00:00:00Z", "-290000-01-01T00:00:00Z",
                "-4800-01-01T00:00:00Z", "9223372036854775807", "-1", "2026-13-01T00:00:00Z", "")) {
            CliRun r = cli("outbox", "replay", "--destination", "orders-topic", "--from", from, "--reason", "lost");
            assertThat(r.code()).as("outbox replay --from " + from + "\n" + r).isEqualTo(ExitCodes.USAGE);
        }
        assertThat(count("SELECT count(*) FROM inlet.outbox_replays")).isEqualTo(replays);
        // a start in the future or past every row is not an error: nothing to replay, audited
        for (String from : List.of("2999-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "999999999999999999", "1970-01-01T00:00:00Z", "0")) {
            CliRun r = cli("outbox", "replay", "--destination", "orders-topic", "--from", from, "--reason", "lost");
            assertThat(r.code()).as("outbox replay --from " + from + "\n" + r).isZero();
        }
        assertVerifies("hostile purge and replay arguments");
    }

    /**
     * A rejects replay reads the corrected file before it writes; a reprocess that reopens the file in
     * that window deletes the rejects the replay is about to resolve. The replay must then refuse
     * (nothing appended, nothing audited), not append to a file in progress and audit rejects as
     * resolved that no longer exist (the reprocess records them again, unresolved).
     */
    @Test
    void aRejectsReplayOfAFileReopenedForReprocessMeanwhileRefusesAndWritesNothing() throws Exception {
        assertThat(cli("ingest", "orders/a.csv").code()).isZero();
        long fileId = count("SELECT file_id FROM inlet.ingested_files");
        long events = count("SELECT count(*) FROM inlet.order_events");
        io.inlet.store.Transactions tx = new io.inlet.store.Transactions(ds);
        Path correctedFile = tmp.resolve("corrected-A.csv");
        io.inlet.parse.StreamOpener reopenWhileReading = offset -> {
            // the reprocess of another operator reopens the file while this replay reads
            try {
                if (count("SELECT count(*) FROM inlet.reprocess_runs") == 0) {
                    new io.inlet.ledger.Reprocessing(tx).reopen(new io.inlet.ledger.Reprocessing.Request(fileId, "bob", "feed fix"));
                }
            } catch (Exception e) {
                throw new java.io.IOException(e);
            }
            java.io.InputStream in = Files.newInputStream(correctedFile);
            in.skipNBytes(offset);
            return in;
        };
        RejectReplay replay = new RejectReplay(io.inlet.feed.FeedRegistry.load(Path.of(feeds)), tx);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> replay.replay(
                        new RejectReplay.Request(fileId, correctedFile.toString(), reopenWhileReading, "alice", "vendor fix")))
                .isInstanceOf(RejectReplay.RefusedException.class).hasMessageContaining("IN_PROGRESS");
        assertThat(count("SELECT count(*) FROM inlet.order_events")).isEqualTo(events);
        assertThat(count("SELECT count(*) FROM inlet.reject_replays")).isZero();
        // the reprocess goes on (its process took the reopened row over) and the replay then works
        CliRun resume = cli("ingest", "orders/a.csv");
        assertThat(resume.code()).as(resume.toString()).isZero();
        CliRun again = cli("rejects", "replay", "orders/a.csv", "--from", correctedFile.toString(), "--reason", "vendor fix");
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(count("SELECT count(*) FROM inlet.rejected_records WHERE resolved_at IS NULL")).isZero();
        assertThat(count("SELECT count(*) FROM inlet.order_events")).isEqualTo(events + 2);
        assertVerifies("replay refused during a reprocess");
    }

    /** The model: per file, whether its version is loaded (or held), and whether its corrections were replayed. */
    static final class Model {
        final boolean[] seen = new boolean[KEYS.size()];
        final boolean[] loaded = new boolean[KEYS.size()];
        final boolean[] replayed = new boolean[KEYS.size()];
        /** Its resolved rejects were deleted by retention: a replay names rejects the ledger no longer has. */
        final boolean[] purged = new boolean[KEYS.size()];
        /** Its rejects are resolved by a replay (until a reprocess records them again). */
        final boolean[] resolved = new boolean[KEYS.size()];
        boolean paused;

        long events() {
            long n = 0;
            for (int i = 0; i < KEYS.size(); i++) if (loaded[i]) n += 2 + (replayed[i] ? 2 : 0);
            return n;
        }
    }

    static final List<String> HOSTILE_IDS = List.of("0", "-1", "99999999999999999999", "9223372036854775807", "abc",
            "../orders/a.csv", "orders/%2e%2e/a.csv", "orders/a.csv\n", "\u001b[31morders/a.csv", "s3://vendor-drop/../x",
            "gs://vendor-drop/orders/a.csv#-1", "");

    /**
     * A random sequence of operator commands (ingest, reprocess, rejects replay, purge, pause, resume,
     * unlock, each possibly repeated, some with hostile arguments) against the model; after every
     * command {@code inlet verify} exits 0 and the event table holds exactly the model's events.
     */
    @Test
    void randomOperatorSequencesKeepEveryInvariant() throws Exception {
        long seed = Long.getLong("inlet.operator.seed", System.nanoTime());
        int steps = Integer.getInteger("inlet.operator.steps", 25);
        Random random = new Random(seed);
        Model m = new Model();
        List<String> log = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            int f = random.nextInt(KEYS.size());
            String key = KEYS.get(f);
            String prefix = key.substring(7, 8).toUpperCase();
            CliRun r;
            String what;
            switch (random.nextInt(9)) {
                case 0, 1 -> {
                    what = "ingest " + key;
                    r = cli("ingest", key);
                    if (!m.seen[f]) {
                        m.seen[f] = true;
                        m.loaded[f] = !m.paused;
                    }
                    assertThat(r.code()).as(log + " then " + what + " (seed " + seed + ")\n" + r).isIn(ExitCodes.OK, ExitCodes.FINDINGS);
                }
                case 2 -> {
                    String reason = random.nextBoolean() ? "fix" : "x".repeat(10_000) + "\u001b[2J\n%s..";
                    what = "reprocess " + key;
                    r = cli("reprocess", key, "--reason", reason);
                    if (m.loaded[f]) m.purged[f] = m.resolved[f] = false;
                    if (m.loaded[f]) assertThat(r.code()).as(log + " then " + what + " (seed " + seed + ")\n" + r).isIn(ExitCodes.OK, ExitCodes.FINDINGS);
                    else assertThat(r.code()).as(log + " then " + what + " (seed " + seed + ")\n" + r).isIn(ExitCodes.FINDINGS, ExitCodes.USAGE);
                }
                case 3 -> {
                    what = "rejects replay " + key;
                    r = cli("rejects", "replay", key, "--from", tmp.resolve("corrected-" + prefix + ".csv").toString(), "--reason", "vendor");
                    if (m.loaded[f] && !m.purged[f]) {
                        assertThat(r.code()).as(log + " then " + what + " (seed " + seed + ")\n" + r).isZero();
                        m.replayed[f] = m.resolved[f] = true;
                    } else {
                        assertThat(r.code()).as(log + " then " + what + " (seed " + seed + ")\n" + r).isEqualTo(ExitCodes.USAGE);
                    }
                }
                case 4 -> {
                    what = "backdate + purge";
                    sql("UPDATE inlet.rejected_records SET resolved_at = now() - interval '2 days' WHERE resolved_at IS NOT NULL");
                    r = cli("purge", "--older-than", random.nextBoolean() ? "1d" : "24h", "--batch-size", String.valueOf(1 + random.nextInt(3)));
                    assertThat(r.code()).as(log + " then " + what + " (seed " + seed + ")\n" + r).isZero();
                    for (int i = 0; i < KEYS.size(); i++) m.purged[i] |= m.resolved[i];
                }
                case 5 -> {
                    what = "feed pause";
                    r = cli("feed", "pause", "vendor-orders", "--reason", random.nextBoolean() ? "vendor incident" : "\u001b]0;x\u0007\n%n");
                    assertThat(r.code()).as(log + " then " + what + " (seed " + seed + ")\n" + r).isZero();
                    m.paused = true;
                }
                case 6 -> {
                    what = "feed resume";
                    r = cli("feed", "resume", "vendor-orders");
                    assertThat(r.code()).as(log + " then " + what + " (seed " + seed + ")\n" + r).isIn(ExitCodes.OK, ExitCodes.FINDINGS);
                    m.paused = false;
                    for (int i = 0; i < KEYS.size(); i++) if (m.seen[i]) m.loaded[i] = true;
                }
                case 7 -> {
                    what = "unlock " + key;
                    r = cli("unlock", key);
                    assertThat(r.code()).as(log + " then " + what + " (seed " + seed + ")\n" + r).isIn(m.seen[f] ? new Integer[] {ExitCodes.OK} : new Integer[] {ExitCodes.USAGE});
                }
                default -> {
                    String id = HOSTILE_IDS.get(random.nextInt(HOSTILE_IDS.size()));
                    what = "hostile " + id.replace("\n", "\\n").replace("\u001b", "ESC");
                    String[][] commands = {{"reprocess", id, "--reason", "x"}, {"unlock", id}, {"rejects", id},
                            {"rejects", "export", id, "--format", "csv"}, {"feed", "pause", id, "--reason", "x"}, {"feed", "resume", id}};
                    r = cli(commands[random.nextInt(commands.length)]);
                    assertThat(r.code()).as(log + " then " + what + " (seed " + seed + ")\n" + r).isEqualTo(ExitCodes.USAGE);
                    assertThat(r.out() + r.err()).as(what).doesNotContain("\u001b");
                }
            }
            log.add(what);
            String trail = "seed " + seed + " (-Dinlet.operator.seed=" + seed + "), steps " + log;
            CliRun verify = cli("verify");
            assertThat(verify.code()).as("verify after " + trail + "\n" + verify).isZero();
            assertThat(count("SELECT count(*) FROM inlet.order_events")).as("events after " + trail).isEqualTo(m.events());
            assertThat(count("SELECT count(*) FROM (SELECT event_id FROM inlet.order_events GROUP BY event_id HAVING count(*) > 1) d"))
                    .as(trail).isZero();
            assertThat(count("SELECT count(*) FROM inlet.ingested_files WHERE status NOT IN ('COMPLETED', 'HELD')")).as(trail).isZero();
        }
        assertThat(count("SELECT count(*) FROM inlet.reprocess_runs WHERE outcome IS NULL")).isZero();
    }
}
