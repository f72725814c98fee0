package io.inlet.ingest;

import io.inlet.ledger.Counts;
import io.inlet.failure.Deadline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.db.Database;
import io.inlet.db.DatabaseSettings;
import io.inlet.db.Migrations;
import io.inlet.failure.RetryableException;
import io.inlet.feed.FeedRegistry;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL stops in the middle of an ingestion and comes back: the retry completes, nothing lost or doubled. */
class DatabaseOutageTest {

    @TempDir
    Path dir;

    @Test
    void anOutageMidFileFailsRetryablyAndTheRetryCompletesExactlyOnce() throws Exception {
        FeedRegistry feeds = FeedRegistry.parse(ResumeAndPolicyTest.FEEDS, "feeds.yaml");
        Path data = dir.resolve("pgdata");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres[] server = {start(data, port)};
        DataSource ds = Database.dataSource(new DatabaseSettings(server[0].getJdbcUrl("postgres", "postgres"), "postgres", null));
        Migrations.apply(ds, feeds.eventTables());

        StringBuilder sb = new StringBuilder("order_id,customer,amount,at\n");
        for (int i = 1; i <= 3000; i++) sb.append("O-").append(i).append(",c").append(i % 7).append(',').append(i).append(".5,2026-11-20T10:00:00Z\n");
        Files.createDirectories(dir.resolve("orders"));
        Files.writeString(dir.resolve("orders/a.csv"), sb.toString());
        LocalFileSource local = new LocalFileSource(dir);
        ObjectRef ref = local.refFor("drop", dir.resolve("orders/a.csv"));

        // the database goes away once 70 KB of the file have been read (after some batches committed)
        ObjectSource outage = (r, from) -> new FilterInputStream(local.open(r, from)) {
            long read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                read += Math.max(n, 0);
                if (read > 70_000 && server[0] != null) {
                    try {
                        server[0].close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    server[0] = null;
                }
                return n;
            }
        };
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("w1").leaseDuration(Duration.ofSeconds(1)).build();
        assertThatThrownBy(() -> inlet.ingestFile(ref, outage, Deadline.none()))
                .isInstanceOf(RetryableException.class).hasMessageContaining("database unavailable");

        server[0] = start(data, port);
        long committed = count(ds, "SELECT count(*) FROM order_events");
        assertThat(committed).isPositive().isLessThan(3000);
        Thread.sleep(1_100); // the lease of the failed attempt (not released: the database was down) expires

        FileReport retry = Inlet.builder().dataSource(ds).feeds(feeds).workerId("w2").build()
                .ingestFile(ref, local, Deadline.none());
        assertThat(retry.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(retry.counts()).isEqualTo(new Counts(3000, 3000, 0, 0, 0));
        assertThat(count(ds, "SELECT count(DISTINCT event_id) FROM order_events")).isEqualTo(3000);
        assertThat(count(ds, "SELECT count(*) FROM outbox WHERE destination = 'orders'")).isEqualTo(3000);
        assertThat(count(ds, "SELECT count(*) FROM outbox WHERE destination = 'ops'")).isEqualTo(1);
        server[0].close();
    }

    static EmbeddedPostgres start(Path data, int port) throws IOException {
        Files.createDirectories(data);
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60)).start();
    }

    static long count(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
