package io.inlet.totals;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ledger.Counts;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Control totals: header, trailer and sidecar, each matching and not; a mismatched file loads nothing. */
class ControlTotalsTest {

    static final String MAPPING = """
                mapping:
                  event_type: OrderPlaced
                  stream_id: "customer-{customer}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all, fields: { amount: { type: decimal } } }
                table: events
                shared_streams: true
                derived: [ { events: summary, destination: ops }, { events: appended, destination: orders } ]
            """;

    static final String FEEDS = "version: 1\nfeeds:\n"
            + """
              - name: trailed
                bucket: drop
                key_pattern: "trailed/**"
                format: { type: csv }
                batch_size: 2
                control_totals:
                  trailer: { pattern: '^TRL,(?<n>\\d+),(?<amt>-?[0-9.]+)$', count: n, sums: { amount: amt } }
            """ + MAPPING + """
              - name: headed
                bucket: drop
                key_pattern: "headed/**"
                format: { type: csv }
                control_totals:
                  header: { pattern: '^HDR,(?<n>\\d+),.*$', count: n }
            """ + MAPPING + """
              - name: md5ed
                bucket: drop
                key_pattern: "md5ed/*.csv*"
                format: { type: csv }
                control_totals:
                  sidecar: { suffix: .md5, pattern: '^(?<md5>[0-9a-fA-F]{32})', md5: md5, wait: PT1H }
            """ + MAPPING + """
              - name: manifested
                bucket: drop
                key_pattern: "manifested/*.csv"
                format: { type: csv }
                control_totals:
                  sidecar: { suffix: .manifest.json, format: json, wait: PT1H }
            """ + MAPPING + """
              - name: ctl
                bucket: drop
                key_pattern: "ctl/*.csv"
                format: { type: csv }
                control_totals:
                  sidecar: { suffix: .ctl, pattern: 'records=(?<n>\\d+)', count: n, wait: PT1H }
            """ + MAPPING;

    static final String HEAD = "order_id,customer,amount,at\n";

    @TempDir
    static Path dir;
    static DataSource ds;
    static Inlet inlet;
    static LocalFileSource source;
    static final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));

    @BeforeAll
    static void setUp() {
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "totals-feeds.yaml");
        source = new LocalFileSource(dir);
        ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("w").leaseDuration(Duration.ofMinutes(5)).clock(clock)
                .build();
    }

    static String records(String prefix, int n) {
        StringBuilder b = new StringBuilder(HEAD);
        for (int i = 1; i <= n; i++) b.append(prefix).append('-').append(i).append(",c").append(i).append(",1.25,2026-11-20T10:00:00Z\n");
        return b.toString();
    }

    @Test
    void aMatchingTrailerLoadsEveryDataRecordAndNeverTheTrailer() throws Exception {
        FileReport r = ingest("trailed/ok.csv", records("T", 3) + "TRL,3,3.750\n");

        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(r.counts()).isEqualTo(new Counts(3, 3, 0, 0, 0));
        assertThat(rows("SELECT status || '|' || (SELECT count(*) FROM jsonb_array_elements(checks)) FROM control_totals"
                + " WHERE file_id = " + r.fileId())).containsExactly("MATCHED|2");
        assertThat(rows("SELECT count(*) FROM rejected_records WHERE file_id = " + r.fileId())).containsExactly("0");
    }

    @Test
    void aTrailerCountOffByOneRejectsTheFileWithBothValuesAndLoadsNothing() throws Exception {
        FileReport r = ingest("trailed/short.csv", records("S", 3) + "TRL,4,3.75\n");

        assertThat(r.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(r.firstError()).isEqualTo("control totals do not match: count (trailer): expected 4, actual 3");
        assertNothingVisible(r, "S-");
        assertThat(rows("SELECT payload->>'firstError' FROM outbox WHERE event_type = 'FileRejected' AND stream_id = 'file-"
                + r.fileId() + "'")).containsExactly(r.firstError());
        assertThat(rows("SELECT status FROM ingested_files WHERE file_id = " + r.fileId())).containsExactly("REJECTED");
    }

    @Test
    void aChangedValueRejectsTheFileOnItsExactSum() throws Exception {
        // 0.1 + 0.2 is 0.3 in decimals, never 0.30000000000000004
        String body = HEAD + "D-1,c1,0.1,2026-11-20T10:00:00Z\nD-2,c2,0.2,2026-11-20T10:00:00Z\n";
        assertThat(ingest("trailed/exact.csv", body + "TRL,2,0.3\n").outcome()).isEqualTo(FileOutcome.COMPLETED);
        FileReport r = ingest("trailed/changed.csv", body.replace("D-", "E-").replace("0.2,", "0.21,") + "TRL,2,0.3\n");

        assertThat(r.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(r.firstError()).isEqualTo("control totals do not match: sum(amount) (trailer): expected 0.3, actual 0.31");
        assertNothingVisible(r, "E-");
    }

    @Test
    void aValueThatIsNotADecimalInASummedColumnRejectsTheFileNamingLineAndField() throws Exception {
        FileReport r = ingest("trailed/word.csv", HEAD + "W-1,c1,1.00,2026-11-20T10:00:00Z\nW-2,c2,ten,2026-11-20T10:00:00Z\nTRL,2,11\n");

        assertThat(r.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(r.firstError()).contains("record 2 (line 3), field 'amount': \"ten\" is not a decimal number");
        assertNothingVisible(r, "W-");
    }

    @Test
    void aMissingTrailerRejectsTheFile() throws Exception {
        FileReport r = ingest("trailed/truncated.csv", records("M", 3));

        assertThat(r.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(r.firstError()).contains("trailer record 3 (line 4) does not match the trailer pattern").contains("missing");
        assertNothingVisible(r, "M-");
    }

    @Test
    void twoTrailersRejectTheFileAsTheFirstIsAMalformedDataRecordOfASummedFile() throws Exception {
        FileReport r = ingest("trailed/twice.csv", records("X", 2) + "TRL,2,2.50\nTRL,2,2.50\n");

        assertThat(r.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(r.firstError()).contains("record 3 (line 4) is malformed").contains("control sum of [amount] cannot be computed");
        assertNothingVisible(r, "X-");
    }

    @Test
    void aDataLineThatLooksLikeTheTrailerIsDataUnlessItIsLast() throws Exception {
        // the header pattern matches a data record further down: position decides, so it is counted as data
        FileReport r = ingest("headed/lookalike.csv", HEAD + "HDR,2,2026-12-01\nHDR,9,2026-12-01\nL-1,c1,1.25,2026-11-20T10:00:00Z\n");

        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(r.counts().read()).isEqualTo(2);
        assertThat(r.counts().rejected()).isEqualTo(1); // the look-alike is a malformed data record, rejected on its own
    }

    @Test
    void aHeaderCountIsCheckedAndTheHeaderNeverIngested() throws Exception {
        String body = records("H", 2).substring(HEAD.length());
        FileReport ok = ingest("headed/ok.csv", HEAD + "HDR,2,2026-12-01\n" + body);
        FileReport bad = ingest("headed/bad.csv", HEAD + "HDR,3,2026-12-01\n" + body.replace("H-", "G-"));
        FileReport none = ingest("headed/none.csv", HEAD + body.replace("H-", "N-"));

        assertThat(ok.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(ok.counts()).isEqualTo(new Counts(2, 2, 0, 0, 0));
        assertThat(bad.firstError()).isEqualTo("control totals do not match: count (header): expected 3, actual 2");
        assertNothingVisible(bad, "G-");
        assertThat(none.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(none.firstError()).contains("header record 1 (line 2) does not match the header pattern");
        assertNothingVisible(none, "N-");
    }

    @Test
    void anMd5SidecarOfACompressedFileIsCheckedOnTheStoredBytes() throws Exception {
        byte[] gz = gzip(records("Z", 3));
        write("md5ed/a.csv.gz.md5", hex("MD5", gz) + "  a.csv.gz\n");
        FileReport ok = ingestBytes("md5ed/a.csv.gz", gz);
        write("md5ed/b.csv.md5", hex("MD5", "other".getBytes(StandardCharsets.UTF_8)) + "  b.csv\n");
        FileReport bad = ingest("md5ed/b.csv", records("B", 3));

        assertThat(ok.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(ok.counts().appended()).isEqualTo(3);
        assertThat(bad.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(bad.firstError()).startsWith("control totals do not match: md5 (sidecar): expected ")
                .endsWith(", actual " + hex("MD5", records("B", 3).getBytes(StandardCharsets.UTF_8)));
        assertNothingVisible(bad, "B-");
    }

    @Test
    void aManifestCarriesCountSumsAndSha256() throws Exception {
        String data = records("J", 4);
        String sha = hex("SHA-256", data.getBytes(StandardCharsets.UTF_8));
        write("manifested/ok.csv.manifest.json", "{\"records\": 4, \"sums\": {\"amount\": 5.00}, \"sha256\": \"" + sha + "\"}");
        FileReport ok = ingest("manifested/ok.csv", data);
        String other = data.replace("J-", "K-");
        write("manifested/bad.csv.manifest.json", "{\"records\": 4, \"sums\": {\"amount\": \"5.01\"}, \"sha256\": \""
                + hex("SHA-256", other.getBytes(StandardCharsets.UTF_8)) + "\"}");
        FileReport bad = ingest("manifested/bad.csv", other);

        assertThat(ok.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(bad.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(bad.firstError()).isEqualTo("control totals do not match: sum(amount) (manifest): expected 5.01, actual 5.00");
        assertNothingVisible(bad, "K-");
    }

    @Test
    void aFileWaitsForItsSidecarAndLoadsWhenItArrives() throws Exception {
        FileReport held = ingest("ctl/late.csv", records("C", 2));

        assertThat(held.outcome()).isEqualTo(FileOutcome.HELD);
        assertThat(held.firstError()).contains("waiting for control sidecar drop/ctl/late.csv.ctl");
        assertNothingVisible(held, "C-");
        assertThat(rows("SELECT status FROM control_totals WHERE file_id = " + held.fileId())).containsExactly("WAITING");
        // a redelivery of the data file keeps waiting, from the same time
        clock.advance(Duration.ofMinutes(10));
        assertThat(ingest("ctl/late.csv", records("C", 2)).outcome()).isEqualTo(FileOutcome.HELD);

        FileReport loaded = inlet.ingestFile(write("ctl/late.csv.ctl", "vendor=acme\nrecords=2\n"), source, Deadline.none());

        assertThat(loaded.fileId()).isEqualTo(held.fileId());
        assertThat(loaded.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(loaded.counts().appended()).isEqualTo(2);
        assertThat(rows("SELECT count(*) FROM ingested_files WHERE object_key LIKE 'ctl/late.csv%'")).containsExactly("1");
    }

    @Test
    void aSidecarThatNeverComesRejectsTheFileAfterTheWait() throws Exception {
        FileReport held = ingest("ctl/never.csv", records("V", 2));
        assertThat(held.outcome()).isEqualTo(FileOutcome.HELD);
        clock.advance(Duration.ofMinutes(61));

        FileReport late = ingest("ctl/never.csv", records("V", 2));

        assertThat(late.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(late.firstError()).contains("sidecar drop/ctl/never.csv.ctl did not arrive within PT1H");
        assertThat(rows("SELECT status FROM control_totals WHERE file_id = " + late.fileId())).containsExactly("SIDECAR_LATE");
        assertNothingVisible(late, "V-");
    }

    @Test
    void aFileLoadedInSlicesSkipsItsTrailerInTheLastSlice() throws Exception {
        Path file = dir.resolve("trailed/sliced.csv");
        Files.createDirectories(file.getParent());
        Files.writeString(file, records("P", 5) + "TRL,5,6.25\n");
        ObjectRef ref = source.refFor("drop", file);
        FileReport first = inlet.ingestFile(ref, source, Deadline.after(Duration.ZERO, Duration.ZERO));
        assertThat(first.outcome()).isEqualTo(FileOutcome.SUSPENDED);
        FileReport r = first;
        for (int i = 0; i < 10 && r.outcome() == FileOutcome.SUSPENDED; i++) {
            r = inlet.ingestFile(ref, source, Deadline.after(Duration.ZERO, Duration.ZERO));
        }

        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(r.counts()).isEqualTo(new Counts(5, 5, 0, 0, 0));
        assertThat(rows("SELECT count(*) FROM rejected_records WHERE file_id = " + r.fileId())).containsExactly("0");
    }

    @Test
    void aSidecarIsNeverIngestedAsAVendorFile() throws Exception {
        // md5ed's key pattern ("md5ed/*.csv*") matches its own sidecars' keys
        FileReport r = inlet.ingestFile(write("md5ed/lonely.csv.md5", "0123456789abcdef0123456789abcdef\n"), source,
                Deadline.none());

        assertThat(r.outcome()).isEqualTo(FileOutcome.CONTROL_OBJECT);
        assertThat(rows("SELECT count(*) FROM ingested_files WHERE object_key = 'md5ed/lonely.csv.md5'")).containsExactly("0");
    }

    /** No event, no rejected record, no appended message of the file is visible: only its FileRejected. */
    static void assertNothingVisible(FileReport r, String idPrefix) throws Exception {
        assertThat(rows("SELECT count(*) FROM events WHERE event_id IN (SELECT event_id FROM events WHERE stream_id LIKE 'customer-%'"
                + " AND payload->>'order_id' LIKE '" + idPrefix + "%')")).containsExactly("0");
        assertThat(rows("SELECT count(*) FROM outbox WHERE payload->>'order_id' LIKE '" + idPrefix + "%'")).containsExactly("0");
        if (r.fileId() != null) {
            assertThat(rows("SELECT count(*) FROM outbox WHERE stream_id = 'file-" + r.fileId() + "' AND event_type <> 'FileRejected'"))
                    .containsExactly("0");
        }
    }

    FileReport ingest(String key, String content) throws Exception {
        return inlet.ingestFile(write(key, content), source, Deadline.none());
    }

    FileReport ingestBytes(String key, byte[] content) throws Exception {
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return inlet.ingestFile(source.refFor("drop", file), source, Deadline.none());
    }

    static ObjectRef write(String key, String content) throws Exception {
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        return source.refFor("drop", file);
    }

    static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    static String hex(String algorithm, byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }

    static List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    /** A clock the test moves forward. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
