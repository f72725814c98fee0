package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inlet status} shows each feed's freshness: last file, next expected slot, state; as text and with --json. */
class StatusFreshnessTest {

    @TempDir
    Path dir;

    @Test
    void statusShowsAFeedWhoseExpectedFileNeverCameAsMissingAndOneWithoutExpectationAsNotExpected() throws Exception {
        DataSource ds = TestDatabase.fresh(List.of("events"));
        String url = TestDatabase.settingsFor(ds).url();
        Path feeds = Files.writeString(dir.resolve("feeds.yaml"), """
                version: 1
                feeds:
                  - name: minutely
                    bucket: drop
                    key_pattern: "m/**"
                    format: { type: csv }
                    mapping: { event_type: T, stream_id: "m-{id}", occurred_at: { column: at, formats: ["iso"] }, id: { strategy: column, column: id } }
                    expect: { schedule: "* * * * *", within: 0m }
                  - name: whenever
                    bucket: drop
                    key_pattern: "w/**"
                    format: { type: csv }
                    mapping: { event_type: T, stream_id: "w-{id}", occurred_at: { column: at, formats: ["iso"] }, id: { strategy: column, column: id } }
                """);

        CliRun json = CliRun.of("status", "--json", "--feeds", feeds.toString(), "--database-url", url);
        CliRun text = CliRun.of("status", "--feeds", feeds.toString(), "--database-url", url);

        assertThat(json.code()).as(json.toString()).isZero();
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertThat(doc.get("feeds")).hasSize(2);
        assertThat(doc.get("feeds").get(0).get("feed").asText()).isEqualTo("minutely");
        assertThat(doc.get("feeds").get(0).get("state").asText()).isEqualTo("MISSING");
        assertThat(doc.get("feeds").get(0).get("nextExpected").isTextual()).isTrue();
        assertThat(doc.get("feeds").get(1).get("state").asText()).isEqualTo("NOT_EXPECTED");
        assertThat(doc.get("files").isArray()).isTrue();
        assertThat(text.out()).contains("feed minutely: MISSING, last file none, next expected ")
                .contains("feed whenever: NOT_EXPECTED, last file none");
    }

    @Test
    void aScheduleOutsideTheCronSubsetIsAConfigurationErrorNamingTheField() throws Exception {
        DataSource ds = TestDatabase.fresh(List.of("events"));
        Path feeds = Files.writeString(dir.resolve("feeds.yaml"), """
                version: 1
                feeds:
                  - name: daily
                    bucket: drop
                    key_pattern: "d/**"
                    format: { type: csv }
                    mapping: { event_type: T, stream_id: "d-{id}", occurred_at: { column: at, formats: ["iso"] }, id: { strategy: column, column: id } }
                    expect: { schedule: "0 6 ? * MON", zone: Europe/Paris, within: 2h }
                """);
        CliRun r = CliRun.of("feeds", "check", "--feeds", feeds.toString(), "--database-url", TestDatabase.settingsFor(ds).url());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.err()).contains("feed 'daily'").contains("expect.schedule").contains("day-of-month field '?'");
    }
}
