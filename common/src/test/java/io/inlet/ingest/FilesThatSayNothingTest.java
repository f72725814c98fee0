package io.inlet.ingest;

import io.inlet.ledger.Counts;
import io.inlet.failure.Deadline;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.feed.FeedRegistry;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that carry no records must say why: an empty file, a renamed column, the first of many rejects. */
class FilesThatSayNothingTest {

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
                table: events
                shared_streams: true
                derived: [ { events: summary, destination: ops } ]
              - name: lines
                bucket: drop
                key_pattern: "lines/**"
                format: { type: jsonl }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "customer-{customer}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                table: events
                shared_streams: true
            """;

    @TempDir
    static Path dir;
    static DataSource ds;
    static Inlet inlet;
    static LocalFileSource source;

    @BeforeAll
    static void setUp() {
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "say-nothing-feeds.yaml");
        source = new LocalFileSource(dir);
        ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("w").leaseDuration(Duration.ofMinutes(5)).build();
    }

    @Test
    void aZeroByteFileIsRecordedAsEmptyUnlikeAHeaderOnlyFile() throws Exception {
        FileReport empty = inlet.ingestFile(write("orders/empty.csv", ""), source, Deadline.none());
        FileReport headerOnly = inlet.ingestFile(write("orders/header-only.csv", "order_id,customer,amount,at\n"), source,
                Deadline.none());
        FileReport emptyLines = inlet.ingestFile(write("lines/empty.jsonl", ""), source, Deadline.none());

        assertThat(empty.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(empty.firstError()).isEqualTo("empty file: no header");
        assertThat(headerOnly.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(headerOnly.firstError()).isNull();
        assertThat(emptyLines.firstError()).isEqualTo("empty file: 0 bytes");
        assertThat(rows("SELECT object_key || '|' || coalesce(first_error, '-') FROM ingested_files ORDER BY object_key"))
                .contains("orders/empty.csv|empty file: no header", "orders/header-only.csv|-");
        assertThat(rows("SELECT payload->>'firstError' FROM outbox WHERE stream_id = 'file-" + empty.fileId() + "'"))
                .containsExactly("empty file: no header");
        // a redelivery says it again
        assertThat(inlet.ingestFile(write("orders/empty.csv", ""), source, Deadline.none()).firstError())
                .isEqualTo("empty file: no header");
    }

    @Test
    void aMappedColumnMissingFromTheHeaderRejectsTheFileNamingTheColumn() throws Exception {
        FileReport r = inlet.ingestFile(write("orders/renamed.csv",
                "order_id,customer,amount,timestamp\nO-1,rc1,1.50,2026-11-20T10:00:00Z\n"), source, Deadline.none());

        assertThat(r.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(r.firstError()).contains("column 'at' is mapped by feed 'orders' but not in the file's header");
        assertThat(rows("SELECT status || '|' || first_error FROM ingested_files WHERE file_id = " + r.fileId()))
                .singleElement().asString().startsWith("REJECTED|").contains("column 'at'");
        assertThat(rows("SELECT count(*) FROM rejected_records WHERE file_id = " + r.fileId())).containsExactly("0");
        assertThat(rows("SELECT count(*) FROM events WHERE stream_id = 'customer-rc1'")).containsExactly("0");
    }

    @Test
    void aCompletedFileWithRejectsCarriesItsFirstErrorInTheReportAndTheSummary() throws Exception {
        FileReport r = inlet.ingestFile(write("orders/some-bad.csv", "order_id,customer,amount,at\n"
                + "S-1,c1,1.50,2026-11-20T10:00:00Z\nS-2,c1,lots,2026-11-20T10:00:00Z\nS-3,c1,,yesterday\n"), source,
                Deadline.none());

        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(r.counts()).isEqualTo(new Counts(3, 1, 0, 0, 2));
        assertThat(r.firstError()).isEqualTo("line 3: field 'amount': not a decimal: \"lots\"");
        assertThat(rows("SELECT payload->>'firstError' FROM outbox WHERE event_type = 'FileIngested' AND stream_id = 'file-"
                + r.fileId() + "'")).containsExactly(r.firstError());
    }

    ObjectRef write(String key, String content) throws Exception {
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        return source.refFor("drop", file);
    }

    static List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
