package io.inlet.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.TestDatabase;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Receipts: per file, JSON and CSV, where the feed says; no values unless allowed; one key however often. */
class ReceiptsTest {

    static final String MAPPING = """
                mapping:
                  event_type: OrderPlaced
                  stream_id: "customer-{customer}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all, fields: { amount: { type: decimal } } }
                table: events
                shared_streams: true
            """;

    static final String FEEDS = "version: 1\nfeeds:\n" + """
              - name: private
                bucket: drop
                key_pattern: "**"
                format: { type: csv }
                receipts: { prefix: receipts/, destination: vendor-receipts }
                control_totals:
                  trailer: { pattern: '^TRL,(?<n>\\d+)$', count: n }
            """ + MAPPING.replace("shared_streams: true", "shared_streams: true") + """
              - name: open
                bucket: open
                key_pattern: "**"
                format: { type: csv }
                receipts: { prefix: back/, include_values: true }
            """ + MAPPING;

    static final String HEAD = "order_id,customer,amount,at\n";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static DataSource ds;
    static Inlet inlet;
    static LocalFileSource source;

    @BeforeAll
    static void setUp() {
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "receipt-feeds.yaml");
        source = new LocalFileSource(dir);
        ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("w").leaseDuration(Duration.ofMinutes(5)).build();
    }

    @Test
    void aReceiptListsEachRejectedRecordsLineFieldAndReasonWithoutItsValues() throws Exception {
        FileReport r = ingest("drop", "in/a.csv", HEAD + "A-1,c1,1.50,2026-11-20T10:00:00Z\nA-2,c1,secret-4111111111111111,2026-11-20T10:00:00Z\n"
                + "A-3,c1\nTRL,3\n");

        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        JsonNode receipt = JSON.readTree(dir.resolve("receipts/in/a.csv.receipt.json").toFile());
        assertThat(receipt.get("outcome").asText()).isEqualTo("COMPLETED");
        assertThat(receipt.get("counts").get("appended").asLong()).isEqualTo(1);
        assertThat(receipt.get("counts").get("rejected").asLong()).isEqualTo(2);
        assertThat(receipt.get("controlTotals").get(0).get("total").asText()).isEqualTo("count (trailer)");
        JsonNode bad = receipt.get("rejected").get(0);
        assertThat(bad.get("line").asLong()).isEqualTo(3);
        assertThat(bad.get("field").asText()).isEqualTo("amount");
        assertThat(bad.get("reason").asText()).isEqualTo("field 'amount': not a decimal: \"<value withheld>\"");
        assertThat(bad.has("value")).isFalse();
        assertThat(receipt.get("rejected").get(1).get("kind").asText()).isEqualTo("MALFORMED");
        String everything = Files.readString(dir.resolve("receipts/in/a.csv.receipt.json"))
                + Files.readString(dir.resolve("receipts/in/a.csv.receipt.csv"));
        assertThat(everything).doesNotContain("4111111111111111").doesNotContain("A-3,c1");
        List<CSVRecord> csv = csv(dir.resolve("receipts/in/a.csv.receipt.csv"));
        assertThat(csv.get(0).toList()).containsExactly("row_type", "outcome", "records_read", "appended", "duplicate", "conflict",
                "rejected", "record", "line", "kind", "field", "reason");
        assertThat(csv.get(1).toList()).startsWith("file", "COMPLETED", "3", "1", "0", "0", "2");
        assertThat(csv.get(2).toList()).containsExactly("rejected", "", "", "", "", "", "", "2", "3", "INVALID", "amount",
                "field 'amount': not a decimal: \"<value withheld>\"");
        // the same receipt as a derived event
        assertThat(rows("SELECT payload->'counts'->>'rejected' || '|' || (payload->>'rejectedTruncated') FROM outbox"
                + " WHERE event_type = 'FileReceipt' AND destination = 'vendor-receipts' AND stream_id = 'file-" + r.fileId() + "'"))
                .containsExactly("2|false");
    }

    @Test
    void aFeedThatAllowsValuesGetsThemAndEveryFormulaCellIsNeutralised() throws Exception {
        ingest("open", "x/b.csv", HEAD + "=HYPERLINK(\"http://evil\"),c1,lots,2026-11-20T10:00:00Z\n@SUM(A1),c1,-3,yesterday\n");

        List<CSVRecord> csv = csv(dir.resolve("back/x/b.csv.receipt.csv"));
        assertThat(csv.get(0).toList()).endsWith("reason", "value");
        assertThat(csv.get(2).get(12)).isEqualTo("'=HYPERLINK(\"http://evil\"),c1,lots,2026-11-20T10:00:00Z");
        assertThat(csv.get(3).get(12)).startsWith("'@SUM(A1)");
        for (CSVRecord row : csv) {
            for (String cell : row) assertThat(cell).as("a cell a spreadsheet would run").doesNotStartWith("=").doesNotStartWith("@")
                    .doesNotStartWith("+").doesNotStartWith("-");
        }
        JsonNode receipt = JSON.readTree(dir.resolve("back/x/b.csv.receipt.json").toFile());
        assertThat(receipt.get("rejected").get(0).get("value").asText()).startsWith("=HYPERLINK"); // JSON is not a spreadsheet
        assertThat(receipt.get("rejected").get(0).get("reason").asText()).contains("\"lots\"");
    }

    @Test
    void aRedeliveredOrReprocessedFileRewritesTheSameReceiptKeysNeverTwo() throws Exception {
        String content = HEAD + "R-1,c1,1.00,2026-11-20T10:00:00Z\nR-2,c1,x,2026-11-20T10:00:00Z\nTRL,2\n";
        FileReport first = ingest("drop", "again/r.csv", content);
        byte[] json = Files.readAllBytes(dir.resolve("receipts/again/r.csv.receipt.json"));
        Files.delete(dir.resolve("receipts/again/r.csv.receipt.json")); // a write that was lost
        FileReport redelivered = ingest("drop", "again/r.csv", content);

        assertThat(redelivered.outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
        assertThat(Files.readAllBytes(dir.resolve("receipts/again/r.csv.receipt.json"))).isEqualTo(json);
        try (Stream<Path> files = Files.list(dir.resolve("receipts/again"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("r.csv.receipt.csv", "r.csv.receipt.json");
        }
        assertThat(rows("SELECT count(*) FROM outbox WHERE event_type = 'FileReceipt' AND stream_id = 'file-" + first.fileId() + "'"))
                .containsExactly("1");
    }

    @Test
    void aReceiptInTheWatchedBucketIsNeverIngestedAsAVendorFile() throws Exception {
        ingest("drop", "loop/c.csv", HEAD + "L-1,c1,1.00,2026-11-20T10:00:00Z\nTRL,1\n");
        // the feed's key pattern "**" covers its own receipt prefix: the notification of the receipt comes back
        ObjectRef receipt = source.refFor("drop", dir.resolve("receipts/loop/c.csv.receipt.csv"));

        FileReport r = inlet.ingestFile(receipt, source, Deadline.none());

        assertThat(r.outcome()).isEqualTo(FileOutcome.CONTROL_OBJECT);
        assertThat(rows("SELECT count(*) FROM ingested_files WHERE object_key LIKE 'receipts/%'")).containsExactly("0");
    }

    @Test
    void aRejectedFileGetsAReceiptWithBothValuesOfItsControlTotal() throws Exception {
        FileReport r = ingest("drop", "short/d.csv", HEAD + "D-1,c1,1.00,2026-11-20T10:00:00Z\nTRL,2\n");

        assertThat(r.outcome()).isEqualTo(FileOutcome.REJECTED);
        JsonNode receipt = JSON.readTree(dir.resolve("receipts/short/d.csv.receipt.json").toFile());
        assertThat(receipt.get("outcome").asText()).isEqualTo("REJECTED");
        assertThat(receipt.get("error").asText()).isEqualTo("control totals do not match: count (trailer): expected 2, actual 1");
        JsonNode check = receipt.get("controlTotals").get(0);
        assertThat(check.get("expected").asText() + "/" + check.get("actual").asText() + "/" + check.get("matched").asBoolean())
                .isEqualTo("2/1/false");
    }

    @Test
    void manyRejectsAreStreamedIntoTheObjectsAndTheEventListsTheFirstHundred() throws Exception {
        StringBuilder b = new StringBuilder(HEAD);
        int n = 5_000;
        for (int i = 0; i < n; i++) b.append("M-").append(i).append(",c1,bad").append(i).append(",2026-11-20T10:00:00Z\n");
        FileReport r = ingest("drop", "many/m.csv", b.append("TRL,").append(n).append('\n').toString());

        assertThat(r.counts().rejected()).isEqualTo(n);
        assertThat(csv(dir.resolve("receipts/many/m.csv.receipt.csv"))).hasSize(n + 2);
        assertThat(JSON.readTree(dir.resolve("receipts/many/m.csv.receipt.json").toFile()).get("rejected").size()).isEqualTo(n);
        assertThat(rows("SELECT jsonb_array_length(payload->'rejected') || '|' || (payload->>'rejectedTruncated') FROM outbox"
                + " WHERE event_type = 'FileReceipt' AND stream_id = 'file-" + r.fileId() + "'")).containsExactly("100|true");
    }

    static FileReport ingest(String bucket, String key, String content) throws Exception {
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        return inlet.ingestFile(source.refFor(bucket, file), source, Deadline.none());
    }

    static List<CSVRecord> csv(Path file) throws Exception {
        try (Reader r = Files.newBufferedReader(file)) {
            return CSVFormat.DEFAULT.parse(r).getRecords();
        }
    }

    static List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
