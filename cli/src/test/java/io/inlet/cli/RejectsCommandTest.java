package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.event.EventIds;
import io.inlet.source.ObjectRef;
import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RejectsCommandTest {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: vendor-orders
                bucket: vendor-drop
                key_pattern: "orders/**"
                format: { type: csv, delimiter: ",", header: true }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: ordered_at, formats: ["iso"], zone: UTC }
                  id: { strategy: position }
                  payload:
                    include: all
                    fields:
                      amount: { type: decimal }
                table: order_events
                errors: { policy: continue }
            """;

    static final String FILE = """
            order_id,customer,amount,ordered_at
            B-1,Jane,10.00,2026-11-20T08:00:00Z
            B-2,John,ten,2026-11-20T08:01:00Z
            B-3,Zoe,30.00,2026-11-20T08:02:00Z
            B-4,Max,40.00,not-a-date
            """;

    @TempDir
    Path tmp;
    DataSource ds;
    String url;
    String feeds;

    @BeforeEach
    void setUp() throws Exception {
        ds = TestDatabase.fresh(List.copyOf(Samples.feeds().eventTables()));
        url = TestDatabase.settingsFor(ds).url();
        feeds = Files.writeString(tmp.resolve("feeds.yaml"), FEEDS).toString();
        Files.createDirectories(tmp.resolve("files/orders"));
        Files.writeString(tmp.resolve("files/orders/batch.csv"), FILE);
    }

    CliRun ingest() {
        return CliRun.of("ingest", "orders/batch.csv", "--root", tmp.resolve("files").toString(), "--feeds", feeds, "--database-url", url);
    }

    @Test
    void rejectsOfAFileTheLedgerDoesNotKnowSaySoAndExitTwo() {
        for (String[] args : List.of(new String[] {"rejects", "no/such.csv"}, new String[] {"rejects", "export", "4711", "--format", "csv"},
                new String[] {"rejects", "replay", "no/such.csv", "--from", feeds, "--reason", "x", "--feeds", feeds})) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--database-url", url));
            CliRun r = CliRun.of(all.toArray(String[]::new));
            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("in the ledger");
        }
    }

    @Test
    void exportWritesLineFieldReasonAndRawTextAsCsvAndLeavesTheRawTextOutOnRequest() throws Exception {
        assertThat(ingest().code()).isZero();
        CliRun csv = CliRun.of("rejects", "export", "orders/batch.csv", "--format", "csv", "--database-url", url);
        assertThat(csv.code()).as(csv.toString()).isZero();
        List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv.out())).getRecords();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("record")).isEqualTo("2");
        assertThat(rows.get(0).get("line")).isEqualTo("3");
        assertThat(rows.get(0).get("field")).isEqualTo("amount");
        assertThat(rows.get(0).get("reason")).isNotBlank();
        assertThat(rows.get(0).get("raw")).isEqualTo("B-2,John,ten,2026-11-20T08:01:00Z");
        assertThat(rows.get(1).get("field")).isEqualTo("ordered_at");

        CliRun noRaw = CliRun.of("rejects", "export", "orders/batch.csv", "--format", "csv", "--no-raw", "--database-url", url);
        assertThat(noRaw.out()).doesNotContain("John").startsWith("file_id,record,line,kind,field,reason,resolved_at");

        CliRun json = CliRun.of("rejects", "export", "orders/batch.csv", "--format", "json", "--database-url", url);
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertThat(doc.get("rejects")).hasSize(2);
        assertThat(doc.get("rejects").get(1).get("raw").asText()).isEqualTo("B-4,Max,40.00,not-a-date");
        JsonNode withoutRaw = new ObjectMapper().readTree(CliRun.of("rejects", "export", "orders/batch.csv", "--format", "json",
                "--no-raw", "--database-url", url).out());
        assertThat(withoutRaw.get("rejects").get(0).has("raw")).isFalse();
    }

    /**
     * Runbook "vendor resending corrected rows" (docs/operations.md), step by step: export
     * the rejects, correct the rows keeping their record number in _record, replay, check, replay again.
     */
    @Test
    void runbookVendorResendingCorrectedRows() throws Exception {
        assertThat(ingest().code()).isZero();
        // 1. export the rejects
        Path rejects = tmp.resolve("rejects.csv");
        assertThat(CliRun.of("rejects", "export", "orders/batch.csv", "--format", "csv", "-o", rejects.toString(),
                "--database-url", url).code()).isZero();
        List<String> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(Files.newBufferedReader(rejects)).getRecords().stream().map(r -> r.get("record")).toList();
        assertThat(records).containsExactly("2", "4");
        // 2. the vendor's corrected rows, in the feed's format, each with the original record number in _record
        Path corrected = Files.writeString(tmp.resolve("corrected.csv"), """
                order_id,customer,amount,ordered_at,_record
                B-4,Max,40.00,2026-11-20T08:03:00Z,4
                B-2,John,20.00,2026-11-20T08:01:00Z,2
                """);
        long before = count("SELECT count(*) FROM inlet.order_events");
        // 3. replay
        CliRun replay = CliRun.of("rejects", "replay", "orders/batch.csv", "--from", corrected.toString(), "--reason",
                "vendor ticket 881: corrected amounts and dates", "--actor", "oncall", "--feeds", feeds, "--database-url", url);
        assertThat(replay.code()).as(replay.toString()).isZero();
        assertThat(replay.out()).contains("2 appended, 0 already stored, 0 conflict, 0 still invalid; 2 reject(s) resolved");
        assertThat(count("SELECT count(*) FROM inlet.order_events")).isEqualTo(before + 2);
        // the ids are those the records would have had in the original file: position strategy, original record numbers
        ObjectRef ref;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT bucket, object_key, nullif(version_id, ''), nullif(etag, ''), size_bytes FROM inlet.ingested_files")) {
            rs.next();
            ref = new ObjectRef(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5));
        }
        for (long record : List.of(2L, 4L)) {
            UUID id = EventIds.of(EventIds.objectPositionName(ref, record));
            assertThat(count("SELECT count(*) FROM inlet.order_events WHERE event_id = '" + id + "' AND payload->>'_record' IS NULL"))
                    .as("record " + record).isEqualTo(1);
        }
        assertThat(count("SELECT count(*) FROM inlet.order_events WHERE payload->>'amount' = '20.00' OR payload->>'amount' = '20.0'"
                + " OR (payload->>'amount')::numeric = 20")).isEqualTo(1);
        // 4. the rejects are resolved and the replay audited
        assertThat(CliRun.of("rejects", "orders/batch.csv", "--database-url", url).out()).contains("2 resolved by a replay");
        assertThat(count("SELECT count(*) FROM inlet.rejected_records WHERE resolved_at IS NOT NULL")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM inlet.reject_replays WHERE actor = 'oncall' AND appended = 2 AND resolved = 2")).isEqualTo(1);
        // 5. again: nothing appended, nothing newly resolved
        CliRun again = CliRun.of("rejects", "replay", "orders/batch.csv", "--from", corrected.toString(), "--reason", "again",
                "--feeds", feeds, "--database-url", url);
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(again.out()).contains("0 appended, 2 already stored, 0 conflict, 0 still invalid; 0 reject(s) resolved");
        assertThat(count("SELECT count(*) FROM inlet.order_events")).isEqualTo(before + 2);
        assertThat(count("SELECT count(*) FROM inlet.outbox")).isZero();
        // 6. every invariant still holds
        CliRun verify = CliRun.of("verify", "--feeds", feeds, "--database-url", url);
        assertThat(verify.code()).as(verify.toString()).isZero();
    }

    @Test
    void aCorrectedRowNamingNoRejectRefusesTheWholeReplay() throws Exception {
        assertThat(ingest().code()).isZero();
        Path corrected = Files.writeString(tmp.resolve("corrected.csv"), """
                order_id,customer,amount,ordered_at,_record
                B-2,John,20.00,2026-11-20T08:01:00Z,2
                B-3,Zoe,31.00,2026-11-20T08:02:00Z,3
                """);
        long before = count("SELECT count(*) FROM inlet.order_events");
        CliRun r = CliRun.of("rejects", "replay", "orders/batch.csv", "--from", corrected.toString(), "--reason", "x",
                "--feeds", feeds, "--database-url", url);
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("line 3: _record 3 is not a rejected record of file");
        assertThat(count("SELECT count(*) FROM inlet.order_events")).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM inlet.reject_replays")).isZero();
    }

    @Test
    void aCorrectedRowThatIsStillWrongStaysRejectedAndTheExitCodeSaysSo() throws Exception {
        assertThat(ingest().code()).isZero();
        Path corrected = Files.writeString(tmp.resolve("corrected.csv"), """
                order_id,customer,amount,ordered_at,_record
                B-2,John,twenty,2026-11-20T08:01:00Z,2
                """);
        CliRun r = CliRun.of("rejects", "replay", "orders/batch.csv", "--from", corrected.toString(), "--reason", "x",
                "--feeds", feeds, "--database-url", url, "--json");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.FINDINGS);
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.get("still_invalid").asLong()).isEqualTo(1);
        assertThat(doc.get("rows").get(0).get("detail").asText()).contains("amount");
        assertThat(count("SELECT count(*) FROM inlet.rejected_records WHERE resolved_at IS NOT NULL")).isZero();
    }

    long count(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
