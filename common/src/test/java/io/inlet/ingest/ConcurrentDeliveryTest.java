package io.inlet.ingest;

import io.inlet.failure.Deadline;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.feed.FeedRegistry;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same notification delivered ten times concurrently to one instance: one set of events, exact counts. */
class ConcurrentDeliveryTest {

    @TempDir
    Path dir;

    @Test
    void tenConcurrentDeliveriesIngestOnceAndTheLedgerShowsTheOthersSkipped() throws Exception {
        FeedRegistry feeds = FeedRegistry.parse(ResumeAndPolicyTest.FEEDS, "feeds.yaml");
        DataSource ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("one-instance").build();
        StringBuilder sb = new StringBuilder("order_id,customer,amount,at\n");
        for (int i = 1; i <= 3000; i++) sb.append("O-").append(i).append(",c").append(i % 7).append(',').append(i).append(".5,2026-11-20T10:00:00Z\n");
        Files.createDirectories(dir.resolve("orders"));
        Files.writeString(dir.resolve("orders/a.csv"), sb.toString());
        LocalFileSource source = new LocalFileSource(dir);
        ObjectRef ref = source.refFor("drop", dir.resolve("orders/a.csv"));

        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Callable<FileReport>> deliveries = new ArrayList<>();
        for (int i = 0; i < 10; i++) deliveries.add(() -> inlet.ingestFile(ref, source, Deadline.none()));
        List<FileOutcome> outcomes = new ArrayList<>();
        for (Future<FileReport> f : pool.invokeAll(deliveries)) outcomes.add(f.get().outcome());
        pool.shutdown();

        assertThat(outcomes).containsOnlyOnce(FileOutcome.COMPLETED);
        assertThat(outcomes).filteredOn(o -> o != FileOutcome.COMPLETED)
                .allMatch(o -> o == FileOutcome.IN_PROGRESS_ELSEWHERE || o == FileOutcome.ALREADY_COMPLETED);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT status, records_read, appended, duplicate, attempts FROM ingested_files");
            rs.next();
            assertThat(rs.getString(1) + " " + rs.getLong(2) + " " + rs.getLong(3) + " " + rs.getLong(4))
                    .isEqualTo("COMPLETED 3000 3000 0");
            rs = s.executeQuery("SELECT count(*), count(DISTINCT event_id) FROM order_events");
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(3000);
            assertThat(rs.getLong(2)).isEqualTo(3000);
        }
    }
}
