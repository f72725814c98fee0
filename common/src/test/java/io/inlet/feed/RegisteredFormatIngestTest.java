package io.inlet.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ledger.Counts;
import io.inlet.parse.BlocksFormat;
import io.inlet.parse.RecordFormats;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A format registered by name (the test-only binary {@code test_blocks}) goes the whole way: the
 * feeds file resolves it and lends it its options, the ingester reads with it into the real
 * PostgreSQL, and a file split over invocations resumes from the format's own token, stored in
 * ingested_files' checkpoint columns unchanged.
 */
class RegisteredFormatIngestTest {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: blocks
                bucket: drop
                key_pattern: "blocks/**"
                format: { type: test_blocks, max_block_records: 10 }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "customer-{customer}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all, fields: { amount: { type: decimal } } }
                table: block_events
                batch_size: 4
            """;

    static final RecordFormats FORMATS = RecordFormats.standard().with(new BlocksFormat());

    @TempDir
    Path dir;
    LocalFileSource source;
    FeedRegistry feeds;

    @BeforeEach
    void setUp() {
        source = new LocalFileSource(dir);
        feeds = FeedRegistry.parse(FEEDS, "blocks-feeds.yaml", dir, FORMATS);
    }

    @Test
    void aFileInARegisteredFormatIsIngestedEndToEnd() throws Exception {
        DataSource ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        ObjectRef ref = write("blocks/day-1.blk", orders(23, 9));

        FileReport r = inlet(ds, "w").ingestFile(ref, source, Deadline.none());

        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(r.counts()).isEqualTo(new Counts(23, 22, 0, 0, 1));
        assertThat(rows(ds, "SELECT count(*) FROM block_events")).containsExactly("22");
        assertThat(rows(ds, "SELECT payload->>'amount' FROM block_events WHERE payload->>'order_id' = 'O-7'")).containsExactly("7.25");
        assertThat(rows(ds, "SELECT line_number || ': ' || reason FROM rejected_records WHERE file_id = " + r.fileId()))
                .singleElement().asString().startsWith("9: ").contains("amount");
        assertThat(inlet(ds, "w").ingestFile(ref, source, Deadline.none()).outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
    }

    @Test
    void aFileSplitOverInvocationsResumesFromTheFormatsOwnToken() throws Exception {
        ObjectRef ref = write("blocks/sliced.blk", orders(60, 0));
        DataSource clean = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        inlet(clean, "clean").ingestFile(ref, source, Deadline.none());

        DataSource ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        List<String> tokens = new ArrayList<>();
        FileReport r;
        int invocations = 0;
        do {
            invocations++;
            Ticking clock = new Ticking();
            r = inlet(ds, "lambda-" + invocations).ingestFile(ref, source, new Deadline(clock.start.plusSeconds(12), clock));
            tokens.addAll(rows(ds, "SELECT next_line || '@' || next_offset FROM ingested_files WHERE status <> 'COMPLETED'"));
        } while (r.outcome() == FileOutcome.SUSPENDED && invocations < 60);

        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(invocations).isGreaterThan(1);
        assertThat(r.counts()).isEqualTo(new Counts(60, 60, 0, 0, 0));
        String events = "SELECT event_id || ' ' || stream_id || ' ' || stream_version || ' ' || payload::text FROM block_events ORDER BY event_id";
        assertThat(rows(ds, events)).hasSize(60).isEqualTo(rows(clean, events));
        // the stored checkpoints are block offsets with an index inside the block, as the format wrote them
        List<Long> blockOffsets = blockOffsets(orders(60, 0));
        assertThat(tokens).isNotEmpty().allSatisfy(t -> assertThat(blockOffsets).contains(Long.parseLong(t.split("@")[1])));
    }

    @Test
    void theFormatsOwnOptionsAreReadAndCheckedWithTheFeedNamed() {
        assertThat(feeds.feed("blocks").orElseThrow().format().settings()).isEqualTo(new BlocksFormat.Settings(10));
        assertThatThrownBy(() -> FeedRegistry.parse(FEEDS.replace("max_block_records: 10", "max_block_records: 0"),
                "blocks-feeds.yaml", dir, FORMATS))
                .isInstanceOf(FeedConfigException.class)
                .hasMessage("blocks-feeds.yaml: feed 'blocks': format.max_block_records: must be between 1 and 65535, found 0");
        assertThatThrownBy(() -> FeedRegistry.parse(FEEDS.replace("max_block_records: 10", "charset: UTF-8"),
                "blocks-feeds.yaml", dir, FORMATS))
                .hasMessage("blocks-feeds.yaml: feed 'blocks': format.charset: only applies to type csv or json_array or jsonl");
    }

    @Test
    void withoutTheRegistrationTheSameFeedsFileIsAConfigurationErrorListingTheKnownFormats() {
        assertThatThrownBy(() -> FeedRegistry.parse(FEEDS, "blocks-feeds.yaml", dir))
                .isInstanceOf(FeedConfigException.class)
                .hasMessage("blocks-feeds.yaml: feed 'blocks': format.type: unknown format 'test_blocks' "
                        + "(known formats: csv, json_array, jsonl)");
    }

    Inlet inlet(DataSource ds, String worker) {
        return Inlet.builder().dataSource(ds).feeds(feeds).workerId(worker).leaseDuration(Duration.ofMinutes(5)).build();
    }

    /** {@code n} orders in blocks of up to 7 records; order {@code bad} (if any) has an amount that is no decimal. */
    static List<List<String>> orders(int n, int bad) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> block = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String amount = i == bad ? "\"lots\"" : "\"" + i + ".25\"";
            block.add("{\"order_id\":\"O-" + i + "\",\"customer\":\"c" + (i % 5) + "\",\"amount\":" + amount
                    + ",\"at\":\"2026-11-20T10:" + String.format("%02d", i % 60) + ":00Z\"}");
            if (block.size() == 7 || i == n) {
                blocks.add(block);
                block = new ArrayList<>();
            }
        }
        return blocks;
    }

    static List<Long> blockOffsets(List<List<String>> blocks) {
        List<Long> offsets = new ArrayList<>();
        long at = 4;
        for (List<String> block : blocks) {
            offsets.add(at);
            at += 2;
            for (String e : block) at += 4 + e.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        offsets.add(at);
        return offsets;
    }

    ObjectRef write(String key, List<List<String>> blocks) throws Exception {
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, BlocksFormat.write(blocks));
        return source.refFor("drop", file);
    }

    static List<String> rows(DataSource ds, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    /** Each reading advances one second, so a deadline a few seconds ahead passes within a few batches. */
    static final class Ticking extends Clock {
        final Instant start = Instant.parse("2026-11-20T00:00:00Z");
        final AtomicLong ticks = new AtomicLong();

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return start.plusSeconds(ticks.getAndIncrement());
        }
    }
}
