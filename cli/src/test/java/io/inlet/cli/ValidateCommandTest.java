package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

    @TempDir
    Path tmp;
    DataSource ds;
    String url;
    String feeds;

    @BeforeEach
    void database() throws Exception {
        ds = TestDatabase.fresh(List.copyOf(Samples.feeds().eventTables()));
        url = TestDatabase.settingsFor(ds).url();
        feeds = Samples.root().resolve("feeds.yaml").toString();
        assertThat(CliRun.of("ingest", "acme/orders-quoted.csv", "--root", Samples.files().toString(), "--feeds", feeds,
                "--database-url", url).code()).isZero();
        // the vendor's next file: A-2001's amount changed, A-2002 as before, a new order, a bad row
        Files.createDirectories(tmp.resolve("acme"));
        Files.writeString(tmp.resolve("acme/orders-next.csv"), """
                order_id,customer,amount,currency,ordered_at,status,note
                A-2001,"Doe, Jane",130.00,EUR,2026-11-20T08:15:00Z,PAID,plain note
                A-2002,"The ""Best"" Shop",15.00,EUR,2026-11-20T08:17:42Z,PAID,"says ""thanks\"""
                A-2008,New Customer,9.99,EUR,2026-11-21T08:00:00Z,PAID,new
                A-2009,Bad Date,1.00,EUR,someday,PAID,bad
                """);
    }

    @Test
    void validateReportsAppendsDuplicatesConflictsWithTheirFieldsAndRejectsAndWritesNothing() throws Exception {
        Map<String, String> before = snapshot();
        CliRun r = CliRun.of("validate", "acme/orders-next.csv", "--root", tmp.toString(), "--feeds", feeds, "--database-url", url,
                "--json", "--limit", "2");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.FINDINGS);
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.get("records").asLong()).isEqualTo(4);
        assertThat(doc.get("wouldAppend").asLong()).isEqualTo(1);
        assertThat(doc.get("duplicates").asLong()).isEqualTo(1);
        assertThat(doc.get("conflicts")).hasSize(1);
        assertThat(doc.get("conflicts").get(0).get("record").asLong()).isEqualTo(1);
        assertThat(doc.get("conflicts").get(0).get("fields").toString()).isEqualTo("[\"amount\"]");
        assertThat(doc.get("rejects")).hasSize(1);
        assertThat(doc.get("rejects").get(0).get("field").asText()).isEqualTo("ordered_at");
        assertThat(doc.get("firstEvents")).hasSize(2);
        assertThat(doc.get("firstEvents").get(0).get("order_id").asText()).isEqualTo("A-2001");
        assertThat(snapshot()).as("validate writes nothing").isEqualTo(before);

        CliRun text = CliRun.of("validate", "acme/orders-next.csv", "--root", tmp.toString(), "--feeds", feeds, "--database-url", url);
        assertThat(text.out()).contains("4 record(s): 1 would be appended, 1 duplicate(s), 1 conflict(s), 1 reject(s)",
                "conflict record 1 line 2: event", "is stored with other amount", "reject record 4 line 5 field ordered_at");
        assertThat(snapshot()).isEqualTo(before);
        // and the dry run says what ingest then does
        CliRun ingest = CliRun.of("ingest", "acme/orders-next.csv", "--root", tmp.toString(), "--feeds", feeds, "--database-url", url);
        assertThat(ingest.out()).containsPattern("acme/orders-next.csv\\s+COMPLETED \\(#\\d+\\)\\s+4\\s+1\\s+1\\s+1\\s+1");
    }

    @Test
    void validateSkipsTheTrailerOfAFeedWithControlTotalsAndListsItsChecks() throws Exception {
        // the sample feeds, with acme's files closed by a trailer carrying the count and the sum of amount
        String sample = Files.readString(Path.of(feeds));
        String acmeErrors = "    errors: { policy: continue }\n";
        int at = sample.indexOf(acmeErrors) + acmeErrors.length(); // acme-orders is the first feed
        String withTrailer = sample.substring(0, at)
                + "    control_totals:\n"
                + "      trailer: { pattern: '^TRL,(?<n>\\d+),(?<amt>[0-9.]+)$', count: n, sums: { amount: amt } }\n"
                + sample.substring(at);
        assertThat(withTrailer).contains("control_totals:");
        Path trailerFeeds = tmp.resolve("feeds-trailer.yaml");
        Files.writeString(trailerFeeds, withTrailer);
        String body = """
                order_id,customer,amount,currency,ordered_at,status,note
                A-3001,One,10.50,EUR,2026-11-20T08:15:00Z,PAID,x
                A-3002,Two,4.50,EUR,2026-11-20T08:16:00Z,PAID,y
                """;
        Files.writeString(tmp.resolve("acme/closed.csv"), body + "TRL,2,15.00\n");
        Files.writeString(tmp.resolve("acme/short.csv"), body + "TRL,3,15.00\n");

        CliRun ok = CliRun.of("validate", "acme/closed.csv", "--root", tmp.toString(), "--feeds", trailerFeeds.toString(),
                "--database-url", url, "--json");
        assertThat(ok.code()).as(ok.toString()).isEqualTo(ExitCodes.OK);
        JsonNode doc = new ObjectMapper().readTree(ok.out());
        assertThat(doc.get("records").asLong()).isEqualTo(2);
        assertThat(doc.get("rejects")).isEmpty();
        assertThat(doc.get("wouldAppend").asLong()).isEqualTo(2);
        assertThat(doc.get("totals")).hasSize(2);
        assertThat(doc.get("totalsProblem").isNull()).isTrue();

        CliRun bad = CliRun.of("validate", "acme/short.csv", "--root", tmp.toString(), "--feeds", trailerFeeds.toString(),
                "--database-url", url);
        assertThat(bad.code()).as(bad.toString()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(bad.out()).contains("2 record(s): 0 would be appended", "control total DOES NOT MATCH: count (trailer): expected 3, actual 2",
                "control total matches: sum(amount) (trailer): expected 15.00, actual 15.00",
                "control totals do not match: count (trailer): expected 3, actual 2 -> the file would not load");
    }

    @Test
    void aFileAlreadyLoadedIsAllDuplicatesAndTheLedgerSaysSo() throws Exception {
        CliRun r = CliRun.of("validate", "acme/orders-quoted.csv", "--root", Samples.files().toString(), "--feeds", feeds,
                "--database-url", url);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("this version is COMPLETED", "7 record(s): 0 would be appended, 7 duplicate(s), 0 conflict(s)");
    }

    @Test
    void aNewFeedsFileIsTriedWithoutTouchingTheStore() throws Exception {
        Path changed = Files.writeString(tmp.resolve("new.yaml"), Files.readString(Path.of(feeds))
                .replaceFirst("formats: \\[\"iso\", \"yyyy-MM-dd HH:mm:ss\"\\]", "formats: [\"iso\", \"yyyy-MM-dd HH:mm:ss\", \"yyyy-MM-dd\"]"));
        Files.writeString(tmp.resolve("acme/orders-dates.csv"), """
                order_id,customer,amount,currency,ordered_at,status,note
                A-3100,Day Only,5.00,EUR,2026-11-22,PAID,date only
                """);
        Map<String, String> before = snapshot();
        CliRun old = CliRun.of("validate", "acme/orders-dates.csv", "--root", tmp.toString(), "--feeds", feeds, "--database-url", url);
        CliRun fixed = CliRun.of("validate", "acme/orders-dates.csv", "--root", tmp.toString(), "--feeds", changed.toString(),
                "--database-url", url);
        assertThat(old.out()).contains("0 would be appended", "1 reject(s)");
        assertThat(fixed.out()).as(fixed.toString()).contains("1 would be appended", "0 reject(s)");
        assertThat(snapshot()).isEqualTo(before);
    }

    /** Every row of every table of the inlet schema, as text. */
    Map<String, String> snapshot() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'inlet' ORDER BY 1")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            assertThat(tables).contains("order_events", "ingested_files", "outbox", "rejected_records");
            for (String t : tables) {
                try (ResultSet rs = s.executeQuery("SELECT coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '') FROM inlet." + t + " x")) {
                    rs.next();
                    out.put(t, rs.getString(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT last_value FROM inlet.event_position_seq")) {
                rs.next();
                out.put("event_position_seq", rs.getString(1));
            }
        }
        return out;
    }
}
