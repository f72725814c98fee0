package io.inlet.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.feed.FeedRegistry;
import io.inlet.failure.Deadline;
import io.inlet.source.LocalFileSource;
import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InvariantChecksTest {

    DataSource ds;
    FeedRegistry feeds;

    @BeforeEach
    void ingestEverySample() throws Exception {
        feeds = Samples.feeds();
        ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(feeds).build();
        LocalFileSource source = new LocalFileSource(Samples.files());
        try (Stream<Path> files = Files.walk(Samples.files())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String key = Samples.files().relativize(f).toString();
                if (feeds.matchObject("vendor-drop", key).isPresent()) {
                    inlet.ingestFile(source.refFor("vendor-drop", f), source, Deadline.none());
                }
            }
        }
    }

    List<InvariantChecks.Result> violations() {
        return new InvariantChecks(ds, feeds, InvariantChecks.Budgets.DEFAULTS).run().stream()
                .filter(r -> !r.holds()).toList();
    }

    @Test
    void everyInvariantHoldsAfterIngestingTheSamples() {
        assertThat(violations()).isEmpty();
    }

    @Test
    void eachCheckFindsTheBreakageItIsAbout() throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE inlet.ingested_files SET records_read = records_read + 1 WHERE object_key = 'acme/orders-quoted.csv'");
            s.execute("DELETE FROM inlet.rejected_records WHERE reject_id = (SELECT min(reject_id) FROM inlet.rejected_records)");
            // a version gap: the next event of the stream numbered two ahead
            s.execute("INSERT INTO inlet.order_events (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) "
                    + "SELECT gen_random_uuid(), stream_id, max(stream_version) + 2, 'OrderPlaced', now(), 'test', '{}' "
                    + "FROM inlet.order_events WHERE stream_id = 'order-A-7001' GROUP BY stream_id");
            s.execute("UPDATE inlet.ingested_files SET status = 'IN_PROGRESS', lease_owner = 'dead-worker', "
                    + "lease_expires_at = now() - interval '2 hours' WHERE object_key = 'acme/orders-empty.csv'");
            s.execute("INSERT INTO inlet.outbox (destination, event_table, event_id, event_type, created_at) "
                    + "VALUES ('orders', 'order_events', gen_random_uuid(), 'OrderPlaced', now() - interval '1 hour')");
            s.execute("DELETE FROM inlet.outbox WHERE outbox_id = (SELECT min(outbox_id) FROM inlet.outbox WHERE destination = 'orders')");
            // a stream's later row published while an earlier row of it (same destination) waits
            s.execute("INSERT INTO inlet.outbox (destination, event_id, event_type, stream_id, payload, published_at) VALUES "
                    + "('files', gen_random_uuid(), 'FileIngested', 'file-x', '{}', NULL), "
                    + "('files', gen_random_uuid(), 'FileIngested', 'file-x', '{}', now())");
            // a lane position left behind by a finished file
            s.execute("INSERT INTO inlet.ingest_lanes (file_id, lane, next_record, next_line, next_offset) "
                    + "SELECT file_id, 1, 2, 3, 40 FROM inlet.ingested_files WHERE status = 'COMPLETED' ORDER BY file_id LIMIT 1");
        }
        assertThat(violations()).extracting(InvariantChecks.Result::check).containsExactlyInAnyOrder(
                "01-completed-file-counts-balance", "02-rejections-recorded", "03-stream-versions-gapless",
                "04-no-expired-lease", "05-outbox-references-committed-events", "06-outbox-within-lag-budget",
                "07-appended-events-have-outbox-rows", "08-no-lane-positions-of-finished-files", "09-outbox-streams-in-order");
    }
}
