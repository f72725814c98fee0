package io.inlet.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.db.Database;
import io.inlet.db.DatabaseSettings;
import io.inlet.db.Migrations;
import io.inlet.failure.Deadline;
import io.inlet.failure.RetryableException;
import io.inlet.failure.TransientRetry;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import io.inlet.store.Transactions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database blip is retried in-process with a bounded backoff; nothing else is. */
class TransientRetryTest {

    @TempDir
    Path dir;

    @Test
    void connectionAndShutdownStatesAreBlipsAndOtherStatesAreNot() {
        // every SQLState class PostgreSQL uses, alone and wrapped as the core wraps it
        for (String state : List.of("08000", "08001", "08003", "08006", "08P01", "57P01", "57P02", "57P03")) {
            SQLException e = new SQLException("x", state);
            assertThat(TransientRetry.isDatabaseBlip(e)).as(state).isTrue();
            assertThat(TransientRetry.isDatabaseBlip(Transactions.translate(e))).as(state).isTrue();
        }
        for (String state : List.of("23505", "22001", "42501", "42P01", "40001", "40P01", "53300", "57014", "P0001", "XX000")) {
            assertThat(TransientRetry.isDatabaseBlip(Transactions.translate(new SQLException("x", state)))).as(state).isFalse();
        }
        assertThat(TransientRetry.isDatabaseBlip(new RuntimeException(new java.net.ConnectException("refused")))).isTrue();
    }

    @Test
    void theBackoffDoublesUpToItsBoundAndTheLastFailureSurfaces() {
        List<Duration> waits = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        TransientRetry retry = new TransientRetry(5, Duration.ofSeconds(1), Duration.ofSeconds(3));
        assertThatThrownBy(() -> retry.run(() -> {
            calls.incrementAndGet();
            throw Transactions.translate(new SQLException("connection refused", "08001"));
        }, waits::add)).isInstanceOf(RetryableException.class);
        assertThat(calls).hasValue(5);
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(3));

        calls.set(0);
        assertThatThrownBy(() -> retry.run(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("a defect");
        }, waits::add)).isInstanceOf(IllegalStateException.class);
        assertThat(calls).hasValue(1);
    }

    /**
     * PostgreSQL goes away mid-file and comes back while the retry waits: the same process's next
     * try (its lease 15 minutes long, never expired) takes over its own ended attempt at once and
     * completes the file from the checkpoint, exactly once.
     */
    @Test
    void anOutageMidFileIsRetriedInProcessAndCompletesExactlyOnce() throws Exception {
        Path data = dir.resolve("pgdata");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres[] server = {start(data, port)};
        DataSource ds = Database.dataSource(new DatabaseSettings(server[0].getJdbcUrl("postgres", "postgres"), "postgres", null));
        var feeds = OpsFixture.feeds(OpsFixture.FIXED);
        Migrations.apply(ds, feeds.eventTables());
        Files.createDirectories(dir.resolve("files/orders"));
        StringBuilder sb = new StringBuilder("order_id,customer,amount,at\n");
        for (int i = 1; i <= 5000; i++) sb.append("O-").append(i).append(",c").append(i % 7).append(',').append(i).append(".5,2026-11-20T10:00:00Z\n");
        Files.writeString(dir.resolve("files/orders/a.csv"), sb.toString());
        LocalFileSource local = new LocalFileSource(dir.resolve("files"));
        ObjectRef ref = local.refFor("drop", dir.resolve("files/orders/a.csv"));
        AtomicInteger opened = new AtomicInteger();
        ObjectSource outage = (r, from) -> opened.incrementAndGet() > 1 ? local.open(r, from) : new FilterInputStream(local.open(r, from)) {
            long read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                read += Math.max(n, 0);
                if (read > 140_000 && server[0] != null) {
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
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("cli").leaseDuration(Duration.ofMinutes(15)).build();
        List<Duration> waits = new ArrayList<>();
        FileReport report = TransientRetry.DEFAULT.run(() -> inlet.ingestFile(ref, outage, Deadline.none()), d -> {
            waits.add(d);
            if (server[0] == null) {
                try {
                    server[0] = start(data, port);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        try {
            assertThat(waits).isNotEmpty();
            assertThat(report.outcome()).isEqualTo(FileOutcome.COMPLETED);
            assertThat(report.counts().read()).isEqualTo(5000);
            assertThat(OpsFixtureQueries.count(ds, "SELECT count(DISTINCT event_id) FROM order_events")).isEqualTo(5000);
            assertThat(OpsFixtureQueries.count(ds, "SELECT count(*) FROM outbox")).isEqualTo(5000);
            assertThat(OpsFixtureQueries.count(ds, "SELECT min(from_record) FROM ingest_slices")).isGreaterThan(1);
        } finally {
            server[0].close();
        }
    }

    static EmbeddedPostgres start(Path data, int port) throws IOException {
        Files.createDirectories(data);
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60)).start();
    }

    /** Counting over any data source. */
    static final class OpsFixtureQueries {
        static long count(DataSource ds, String sql) throws SQLException {
            try (var c = ds.getConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
