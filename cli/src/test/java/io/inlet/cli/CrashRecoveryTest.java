package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM ingesting a large file is killed with SIGKILL at random points, several times; a
 * rerun then completes it. The final events and outbox equal a clean run's, and verify passes; with one
 * lane, and with two (their own positions in the ledger, a resumed attempt skipping per lane).
 */
class CrashRecoveryTest {

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
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all, fields: { amount: { type: decimal } } }
                table: order_events
                batch_size: 500
                lanes: %d
                lanes_from_bytes: 0
                derived:
                  - { events: appended, destination: orders }
                  - { events: summary, destination: ops }
            """;

    // records committed so far (by every lane)
    static final String PROGRESS = "SELECT coalesce(max(records_read), 0) FROM inlet.ingested_files";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} lane(s)")
    @ValueSource(ints = {1, 2})
    void killedMidFileSeveralTimesThenRerunEqualsACleanRun(int lanes) throws Exception {
        Path feeds = dir.resolve("feeds.yaml");
        Files.writeString(feeds, FEEDS.formatted(lanes));
        Path file = dir.resolve("orders/big.csv");
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder("order_id,customer,amount,at\n");
        for (int i = 1; i <= 60_000; i++) {
            sb.append("O-").append(i).append(",c").append(i % 97).append(',').append(i % 1000).append(".25,2026-11-20T10:00:00Z\n");
        }
        Files.writeString(file, sb.toString());

        DataSource clean = TestDatabase.fresh("order_events");
        DataSource crashed = TestDatabase.fresh("order_events");
        String cleanUrl = TestDatabase.settingsFor(clean).url();
        String crashedUrl = TestDatabase.settingsFor(crashed).url();
        assertThat(InletCli.execute("ingest", "orders/big.csv", "--root", dir.toString(), "--feeds", feeds.toString(),
                "--database-url", cleanUrl)).isZero();

        Random random = new Random(42);
        List<Long> progressAtKill = new ArrayList<>();
        for (int trial = 0; trial < 3; trial++) {
            Process child = new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"),
                    InletCli.class.getName(), "ingest", "orders/big.csv", "--root", dir.toString(), "--feeds",
                    feeds.toString(), "--database-url", crashedUrl, "--lease-seconds", "1")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("child-" + trial + ".log").toFile()).start();
            long before = count(crashed, PROGRESS);
            // kill once the child has committed more batches, at a random point after that
            long deadline = System.currentTimeMillis() + 60_000;
            while (count(crashed, PROGRESS) <= before
                    && child.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(random.nextInt(400));
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no rollback by the client
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            progressAtKill.add(count(crashed, PROGRESS));
            Thread.sleep(1_100); // the killed worker's lease expires
        }
        assertThat(progressAtKill).as("records committed at each kill").isSorted();
        assertThat(progressAtKill.get(0)).isPositive();

        int rerun = InletCli.execute("ingest", "orders/big.csv", "--root", dir.toString(), "--feeds", feeds.toString(),
                "--database-url", crashedUrl);
        assertThat(rerun).isZero();

        String events = "SELECT string_agg(event_id || ':' || stream_id || ':' || stream_version || ':' || payload::text, '|' "
                + "ORDER BY event_id) FROM inlet.order_events";
        assertThat(text(crashed, events)).isEqualTo(text(clean, events));
        String outbox = "SELECT string_agg(destination || ':' || event_id || ':' || event_type, '|' ORDER BY destination, event_id) "
                + "FROM inlet.outbox WHERE destination = 'orders'";
        assertThat(text(crashed, outbox)).isEqualTo(text(clean, outbox));
        assertThat(count(crashed, "SELECT count(*) FROM inlet.outbox WHERE destination = 'ops'")).isEqualTo(1);
        assertThat(text(crashed, "SELECT status || ' ' || records_read || ' ' || appended || ' ' || lanes FROM inlet.ingested_files"))
                .isEqualTo("COMPLETED 60000 60000 " + lanes);
        assertThat(count(crashed, "SELECT count(*) FROM inlet.ingest_lanes")).isZero();
        assertThat(count(crashed, "SELECT count(*) FROM inlet.ingest_slices")).isEqualTo(1);
        assertThat(InletCli.execute("verify", "--feeds", feeds.toString(), "--database-url", crashedUrl)).isZero();
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static long count(DataSource ds, String sql) throws Exception {
        return Long.parseLong(text(ds, sql));
    }

    static String text(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
