package io.inlet.ingest;

import io.inlet.ledger.Counts;
import io.inlet.failure.Deadline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.failure.PermanentException;
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
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One record whose values PostgreSQL would refuse (or change) must become a rejected record of kind
 * INVALID naming the field, and the rest of its file must load: never a file stuck IN_PROGRESS.
 */
class PoisonRecordsTest {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: lines
                bucket: drop
                key_pattern: "lines/**"
                format: { type: jsonl }
                mapping:
                  event_type: { column: type }
                  stream_id: "{stream}"
                  occurred_at: { column: at, formats: ["iso", "epoch_millis"] }
                  id: { strategy: column, column: id }
                  payload: { include: all, fields: { amount: { type: decimal } } }
                table: events
                shared_streams: true
                batch_size: 10
              - name: sheet
                bucket: drop
                key_pattern: "sheet/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "customer-{customer}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                  payload: { include: all, fields: { amount: { type: decimal }, extra: { type: json } } }
                table: events
                shared_streams: true
                batch_size: 10
            messages:
              - name: billing
                channel: billing
                mapping:
                  event_type: { column: type }
                  stream_id: "{stream}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: events
                shared_streams: true
            """;

    static final String LONG = randomLetters(3000);

    @TempDir
    static Path dir;
    static FeedRegistry feeds;
    static LocalFileSource source;
    static DataSource ds;
    static Inlet inlet;

    @BeforeAll
    static void setUp() {
        feeds = FeedRegistry.parse(FEEDS, "poison-feeds.yaml");
        source = new LocalFileSource(dir);
        ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("poison").leaseDuration(Duration.ofMinutes(5)).build();
    }

    /** A JSON Lines record, its values spliced in raw (JSON escapes are written as they stand). */
    static String line(String id, String type, String stream, String at, String more) {
        return "{\"id\":\"" + id + "\",\"type\":" + type + ",\"stream\":" + stream + ",\"at\":" + at
                + (more.isEmpty() ? "" : "," + more) + "}";
    }

    static String good(String prefix, int i) {
        return line(prefix + "-g" + i, "\"OrderPlaced\"", "\"s-" + i % 3 + "\"", "\"2026-11-20T10:00:00Z\"", "\"amount\":\"1.50\"");
    }

    static Stream<Arguments> poisonRecords() {
        String ok = "\"2026-11-20T10:00:00Z\"";
        return Stream.of(
                Arguments.of("NUL escaped in a value", line("p", "\"T\"", "\"s\"", ok, "\"note\":\"a\\u0000b\""), "note", "NUL"),
                Arguments.of("NUL escaped in a key", line("p", "\"T\"", "\"s\"", ok, "\"no\\u0000te\":1"), "no\\u0000te", "NUL"),
                Arguments.of("NUL in the stream id", line("p", "\"T\"", "\"s\\u0000\"", ok, ""), "stream_id", "NUL"),
                Arguments.of("NUL in the event type", line("p", "\"T\\u0000\"", "\"s\"", ok, ""), "type", "NUL"),
                Arguments.of("NUL in the id", line("p\\u0000", "\"T\"", "\"s\"", ok, ""), "id", "NUL"),
                Arguments.of("occurred_at after timestamptz", line("p", "\"T\"", "\"s\"", "\"+300000-01-01T00:00:00Z\"", ""), "at", "range"),
                Arguments.of("epoch millis after timestamptz", line("p", "\"T\"", "\"s\"", "9300000000000000", ""), "at", "range"),
                Arguments.of("occurred_at before timestamptz", line("p", "\"T\"", "\"s\"", "\"-5000-01-01T00:00:00Z\"", ""), "at", "range"),
                Arguments.of("occurred_at with nanoseconds", line("p", "\"T\"", "\"s\"", "\"2026-11-20T10:00:00.123456789Z\"", ""), "at", "microsecond"),
                Arguments.of("stream id too long for its index", line("p", "\"T\"", "\"" + LONG + "\"", ok, ""), "stream_id", "bytes"),
                Arguments.of("event type too long for its index", line("p", "\"" + LONG + "\"", "\"s\"", ok, ""), "type", "bytes"),
                Arguments.of("decimal beyond numeric", line("p", "\"T\"", "\"s\"", ok, "\"amount\":1e200000"), "amount", "numeric"),
                Arguments.of("number beyond numeric", line("p", "\"T\"", "\"s\"", ok, "\"n\":{\"deep\":[1e-20000]}"), "n.deep[0]", "numeric"),
                Arguments.of("unpaired surrogate", line("p", "\"T\"", "\"s\"", ok, "\"note\":\"a\\ud800b\""), "note", "surrogate"),
                Arguments.of("unpaired surrogate in the stream id", line("p", "\"T\"", "\"s\\udc00\"", ok, ""), "stream_id", "surrogate"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poisonRecords")
    void aRecordPostgresWouldRefuseIsRejectedNamingItsFieldAndTheRestOfTheFileLoads(String name, String poison,
            String field, String reason) throws Exception {
        List<String> lines = new ArrayList<>();
        String prefix = name.replace(' ', '-');
        for (int i = 1; i <= 14; i++) lines.add(good(prefix, i));
        lines.add(poison.replace("\"p\"", "\"" + prefix + "\""));
        for (int i = 15; i <= 25; i++) lines.add(good(prefix, i));
        ObjectRef ref = write("lines/" + name.replace(' ', '-') + ".jsonl", String.join("\n", lines) + "\n");

        FileReport r = inlet.ingestFile(ref, source, Deadline.none());

        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(r.counts()).isEqualTo(new Counts(26, 25, 0, 0, 1));
        assertThat(rows("SELECT kind || '|' || field || '|' || line_number || '|' || reason FROM rejected_records WHERE file_id = "
                + r.fileId())).singleElement().asString()
                .startsWith("INVALID|" + field + "|15|").containsIgnoringCase(reason);
        assertThat(r.firstError()).startsWith("line 15: ").containsIgnoringCase(reason);
        assertThat(rows("SELECT status FROM ingested_files WHERE file_id = " + r.fileId())).containsExactly("COMPLETED");
    }

    @Test
    void aRawNulByteInACsvValueIsRejectedAndStoredVisiblyEscaped() throws Exception {
        String csv = "order_id,customer,amount,at,note,extra\n"
                + "O-1,c1,1.50,2026-11-20T10:00:00Z,fine,\n"
                + "O-2,c1,2.50,2026-11-20T10:00:00Z,bad\u0000byte,\n"
                + "O-3,c2,3.50,2026-11-20T10:00:00Z,fine,\"{\"\"k\"\":\"\"v\\u0000\"\"}\"\n"
                + "O-4,c2,4.50,2026-11-20T10:00:00Z,fine,\n";
        ObjectRef ref = write("sheet/nul.csv", csv);

        FileReport r = inlet.ingestFile(ref, source, Deadline.none());

        assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(r.counts()).isEqualTo(new Counts(4, 2, 0, 0, 2));
        assertThat(rows("SELECT field || '|' || raw_text FROM rejected_records WHERE file_id = " + r.fileId()
                + " ORDER BY record_number")).containsExactly(
                "note|O-2,c1,2.50,2026-11-20T10:00:00Z,bad\\u0000byte,",
                "extra.k|O-3,c2,3.50,2026-11-20T10:00:00Z,fine,\"{\"\"k\"\":\"\"v\\u0000\"\"}\"");
    }

    @Test
    void aDataErrorTheChecksDidNotForeseeRejectsOnlyItsRecordAndTheStreamStaysGapless() throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE FUNCTION inlet.refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF NEW.payload->>'note' = 'refused-by-the-database' THEN
                            RAISE EXCEPTION 'a check the mapper does not know' USING ERRCODE = '22023';
                        END IF;
                        RETURN NEW;
                    END $$""");
            s.execute("CREATE TRIGGER refuse_marked BEFORE INSERT ON inlet.events FOR EACH ROW EXECUTE FUNCTION inlet.refuse_marked()");
        }
        try {
            List<String> lines = new ArrayList<>();
            for (int i = 1; i <= 25; i++) {
                lines.add(line("db-d" + i, "\"OrderPlaced\"", "\"db-" + i % 2 + "\"", "\"2026-11-20T10:00:00Z\"",
                        "\"note\":\"" + (i == 14 ? "refused-by-the-database" : "fine") + "\""));
            }
            ObjectRef ref = write("lines/refused.jsonl", String.join("\n", lines) + "\n");

            FileReport r = inlet.ingestFile(ref, source, Deadline.none());

            assertThat(r.outcome()).isEqualTo(FileOutcome.COMPLETED);
            assertThat(r.counts()).isEqualTo(new Counts(25, 24, 0, 0, 1));
            assertThat(rows("SELECT kind || '|' || record_number || '|' || reason FROM rejected_records WHERE file_id = "
                    + r.fileId())).singleElement().asString().startsWith("INVALID|14|").contains("22023")
                    .contains("a check the mapper does not know");
            assertThat(rows("SELECT stream_id || ':' || string_agg(stream_version::text, ',' ORDER BY stream_version) "
                    + "FROM events WHERE stream_id LIKE 'db-%' GROUP BY stream_id ORDER BY 1"))
                    .containsExactly("db-0:1,2,3,4,5,6,7,8,9,10,11", "db-1:1,2,3,4,5,6,7,8,9,10,11,12,13");
        } finally {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP TRIGGER refuse_marked ON inlet.events");
            }
        }
    }

    @Test
    void aDataErrorNoRecordAccountsForRecordsTheFileRejectedInsteadOfRetryingForEver() throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE FUNCTION inlet.refuse_rejection() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF NEW.raw_text LIKE '%refuse-my-rejection%' THEN
                            RAISE EXCEPTION 'no rejection of that one' USING ERRCODE = '22023';
                        END IF;
                        RETURN NEW;
                    END $$""");
            s.execute("CREATE TRIGGER refuse_rejection BEFORE INSERT ON inlet.rejected_records "
                    + "FOR EACH ROW EXECUTE FUNCTION inlet.refuse_rejection()");
        }
        try {
            List<String> lines = new ArrayList<>();
            for (int i = 1; i <= 25; i++) lines.add(good("whole", i));
            lines.set(13, line("whole-bad", "\"T\"", "\"s\"", "\"not a time\"", "\"note\":\"refuse-my-rejection\""));
            ObjectRef ref = write("lines/whole.jsonl", String.join("\n", lines) + "\n");

            FileReport r = inlet.ingestFile(ref, source, Deadline.none());

            assertThat(r.outcome()).isEqualTo(FileOutcome.REJECTED);
            assertThat(r.firstError()).startsWith("permanent failure: ").contains("22023").contains("no rejection of that one");
            assertThat(rows("SELECT status || '|' || records_read FROM ingested_files WHERE file_id = " + r.fileId()))
                    .containsExactly("REJECTED|10");
            // a redelivery does not try again
            assertThat(inlet.ingestFile(ref, source, Deadline.none()).outcome()).isEqualTo(FileOutcome.ALREADY_COMPLETED);
        } finally {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP TRIGGER refuse_rejection ON inlet.rejected_records");
            }
        }
    }

    @Test
    void aMessageWithAValuePostgresWouldRefuseIsAPermanentFailureNamingTheField() {
        InboundMessage m = new InboundMessage("m-nul", "billing",
                "{\"id\":\"x1\",\"type\":\"Billed\",\"stream\":\"a-1\",\"at\":\"2026-11-20T10:00:00Z\",\"memo\":\"x\\u0000y\"}",
                Map.of());
        assertThatThrownBy(() -> inlet.ingestMessage(m)).isInstanceOf(PermanentException.class)
                .hasMessageContaining("memo").hasMessageContaining("NUL");
    }

    @Test
    void aMessageFailureWhoseReasonQuotesANulIsRecordedVisiblyEscaped() throws Exception {
        InboundMessage m = new InboundMessage("m-reason", "billing", "{}", Map.of());
        inlet.recordFailedMessage(m, "unknown event type value \"x\u0000y\"");
        assertThat(rows("SELECT status || '|' || reason FROM processed_messages WHERE message_id = 'm-reason'"))
                .containsExactly("FAILED|unknown event type value \"x\\u0000y\"");
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

    static String randomLetters(int n) {
        Random random = new Random(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append((char) ('a' + random.nextInt(26)));
        return sb.toString();
    }
}
