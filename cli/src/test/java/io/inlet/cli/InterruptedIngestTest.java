package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM ingesting a large file, with the default 15-minute lease, gets SIGTERM (what Ctrl-C
 * and `kill` send, and what the platform sends before it stops a container): its shutdown hook
 * releases the claim, the checkpoint stays, and the next run proceeds at once from it.
 */
class InterruptedIngestTest {

    @TempDir
    Path dir;

    @Test
    void sigtermReleasesTheClaimAndTheNextRunResumesAtOnceFromTheCheckpoint() throws Exception {
        Path feeds = dir.resolve("feeds.yaml");
        Files.writeString(feeds, CrashRecoveryTest.FEEDS.formatted(1));
        Path file = dir.resolve("orders/big.csv");
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder("order_id,customer,amount,at\n");
        for (int i = 1; i <= 60_000; i++) {
            sb.append("O-").append(i).append(",c").append(i % 97).append(',').append(i % 1000).append(".25,2026-11-20T10:00:00Z\n");
        }
        Files.writeString(file, sb.toString());
        DataSource ds = TestDatabase.fresh("order_events");
        String url = TestDatabase.settingsFor(ds).url();

        Process child = new ProcessBuilder(CrashRecoveryTest.javaBin(), "-cp", System.getProperty("java.class.path"),
                InletCli.class.getName(), "ingest", "orders/big.csv", "--root", dir.toString(), "--feeds", feeds.toString(),
                "--database-url", url)
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (CrashRecoveryTest.count(ds, CrashRecoveryTest.PROGRESS) == 0 && child.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(child.isAlive()).as("still ingesting").isTrue();
        child.destroy(); // SIGTERM
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long checkpoint = CrashRecoveryTest.count(ds, "SELECT next_record FROM inlet.ingested_files");
        assertThat(checkpoint).isGreaterThan(1).isLessThan(60_001);
        assertThat(CrashRecoveryTest.text(ds, "SELECT kind || ' ' || next_record FROM inlet.lease_releases"))
                .isEqualTo("RELEASE " + checkpoint);
        assertThat(Files.readString(dir.resolve("child.log"))).contains("released the claim of file(s) [1]");

        long started = System.nanoTime();
        int rerun = InletCli.execute("ingest", "orders/big.csv", "--root", dir.toString(), "--feeds", feeds.toString(),
                "--database-url", url);
        assertThat(rerun).as("proceeds at once, not IN_PROGRESS_ELSEWHERE for 15 minutes").isZero();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(120);
        assertThat(CrashRecoveryTest.text(ds, "SELECT string_agg(from_record::text, ',') FROM inlet.ingest_slices"))
                .isEqualTo(String.valueOf(checkpoint));
        assertThat(CrashRecoveryTest.count(ds, "SELECT count(*) FROM inlet.order_events")).isEqualTo(60_000);
        assertThat(CrashRecoveryTest.text(ds, "SELECT status || ' ' || records_read FROM inlet.ingested_files"))
                .isEqualTo("COMPLETED 60000");
    }
}
