package io.inlet.ingest;

import io.inlet.ledger.Counts;
import io.inlet.failure.Deadline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.feed.FeedRegistry;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every vendor sample through the whole file path, on real PostgreSQL, with exact outcomes. */
class SampleFilesIngestTest {

    DataSource ds;
    Inlet inlet;
    final LocalFileSource source = new LocalFileSource(Samples.files());

    @BeforeEach
    void setUp() {
        FeedRegistry feeds = Samples.feeds();
        ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("test").build();
    }

    FileReport ingest(String key) throws Exception {
        return inlet.ingestFile(source.refFor("vendor-drop", Samples.files().resolve(key)), source, Deadline.none());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            acme/orders-bom-crlf.csv                 | 6  | 6  | 0 | 0 | 0 |
            acme/orders-quoted.csv                   | 7  | 7  | 0 | 0 | 0 |
            acme/orders-malformed.csv                | 10 | 3  | 0 | 0 | 7 | 3 4 5 6 9 10 11
            acme/orders-2026-11-20.csv.gz            | 25 | 25 | 0 | 0 | 0 |
            acme/orders-multimember.csv.gz           | 18 | 18 | 0 | 0 | 0 |
            acme/orders-plain-named.csv.gz           | 4  | 4  | 0 | 0 | 0 |
            acme/orders-header-only.csv              | 0  | 0  | 0 | 0 | 0 |
            acme/orders-empty.csv                    | 0  | 0  | 0 | 0 | 0 |
            acme/orders-repeated-id.csv              | 5  | 3  | 1 | 1 | 0 | 6
            globex/orders-semicolon-decimal-comma.csv| 5  | 5  | 0 | 0 | 0 |
            initech/orders-latin1.csv                | 5  | 5  | 0 | 0 | 0 |
            umbrella/events.jsonl                    | 7  | 4  | 0 | 0 | 3 | 4 6 9
            umbrella/events-array.json               | 4  | 4  | 0 | 0 | 0 |
            """)
    void everySampleIngestsWithExactCountsAndRejectedLines(String key, long read, long appended, long duplicate,
                                                           long conflict, long rejected, String rejectedLines) throws Exception {
        FileReport r = ingest(key);
        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(r.counts()).isEqualTo(new Counts(read, appended, duplicate, conflict, rejected));
        assertThat(r.counts().balanced()).isTrue();
        List<String> lines = rows("SELECT line_number::text FROM rejected_records WHERE file_id = " + r.fileId() + " ORDER BY record_number");
        assertThat(String.join(" ", lines)).isEqualTo(rejectedLines == null ? "" : rejectedLines);
        assertThat(rows("SELECT count(*)::text FROM outbox WHERE destination = 'ops' AND event_type = 'FileIngested'")
                .get(0)).isEqualTo(key.startsWith("acme/") ? "1" : "0");
    }

    @Test
    void rejectedRecordsNameTheFieldAndKeepTheRawText() throws Exception {
        FileReport r = ingest("acme/orders-malformed.csv");
        assertThat(rows("SELECT kind || '|' || coalesce(field, '-') || '|' || reason FROM rejected_records "
                + "WHERE file_id = " + r.fileId() + " AND line_number = 4"))
                .containsExactly("INVALID|amount|field 'amount': not a decimal: \"twelve\"");
        assertThat(rows("SELECT raw_text FROM rejected_records WHERE file_id = " + r.fileId() + " AND line_number = 3"))
                .singleElement().asString().startsWith("A-");
        assertThat(r.firstError()).isEqualTo("line 3: expected 6 fields, found 5");
        assertThat(rows("SELECT first_error FROM ingested_files WHERE file_id = " + r.fileId()))
                .containsExactly("line 3: expected 6 fields, found 5");
    }

    @Test
    void aConflictIsRecordedWithTheEventIdItWouldHaveHad() throws Exception {
        FileReport r = ingest("acme/orders-repeated-id.csv");
        assertThat(rows("SELECT kind || ' ' || (event_id IS NOT NULL) FROM rejected_records WHERE file_id = " + r.fileId()))
                .containsExactly("CONFLICT true");
        assertThat(rows("SELECT payload->>'amount' FROM order_events WHERE payload->>'order_id' = 'A-7002'"))
                .containsExactly("15.00");
    }

    @Test
    void ingestingTheSameFileAgainAppendsNothing() throws Exception {
        FileReport first = ingest("acme/orders-quoted.csv");
        FileReport again = ingest("acme/orders-quoted.csv");
        assertThat(again.outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
        assertThat(again.fileId()).isEqualTo(first.fileId());
        assertThat(again.counts()).isEqualTo(first.counts());
        assertThat(rows("SELECT count(*)::text FROM order_events")).containsExactly("7");
        assertThat(rows("SELECT count(*)::text FROM outbox WHERE destination = 'orders'")).containsExactly("7");
    }

    @Test
    void theSameRecordsUnderAnotherVersionAreAllDuplicates() throws Exception {
        ObjectRef ref = source.refFor("vendor-drop", Samples.files().resolve("acme/orders-bom-crlf.csv"));
        inlet.ingestFile(ref, source, Deadline.none());
        ObjectRef redropped = new ObjectRef(ref.bucket(), ref.key(), "v2", "other-etag", ref.size());
        FileReport r = inlet.ingestFile(redropped, source, Deadline.none());
        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(r.counts()).isEqualTo(new Counts(6, 0, 6, 0, 0));
        assertThat(rows("SELECT count(*)::text FROM order_events")).containsExactly("6");
    }

    @Test
    void aKeyOutsideEveryFeedIsRefusedAndNothingIsRecorded() {
        assertThatThrownBy(() -> inlet.ingestFile(new ObjectRef("vendor-drop", "unknown/x.csv", null, "e", 1L), source,
                Deadline.none())).isInstanceOf(NoFeedException.class).hasMessageContaining("vendor-drop/unknown/x.csv");
        assertThatThrownBy(() -> inlet.ingestFile(new ObjectRef("other-bucket", "acme/x.csv", null, "e", 1L), source,
                Deadline.none())).isInstanceOf(NoFeedException.class);
        assertThatThrownBy(() -> inlet.ingestFile(new ObjectRef("vendor-drop", "acme/../globex/x.csv", null, "e", 1L),
                source, Deadline.none())).isInstanceOf(NoFeedException.class).hasMessageContaining("'..'");
    }

    @Test
    void aVanishedObjectIsRecordedRejectedWithTheReason() {
        FileReport r = inlet.ingestFile(new ObjectRef("vendor-drop", "acme/not-there.csv", null, "e", 1L), source,
                Deadline.none());
        assertThat(r.outcome()).isEqualTo(FileOutcome.REJECTED);
        assertThat(r.firstError()).contains("not-there.csv");
    }

    @Test
    void aRemovalIsRecordedAndIngestsNothing() throws Exception {
        FileReport r = inlet.recordRemoval(new ObjectRef("vendor-drop", "acme/orders.csv", "dm-1", null, null), io.inlet.source.ObjectSequencer.s3("00A1"));
        assertThat(r.outcome()).isEqualTo(FileOutcome.REMOVED);
        assertThat(rows("SELECT status FROM ingested_files")).containsExactly("REMOVED");
    }

    List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
