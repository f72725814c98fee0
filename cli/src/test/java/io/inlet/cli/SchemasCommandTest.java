package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inlet schemas check | catalog}: exit codes, --json, a baseline, and what the database stores. */
class SchemasCommandTest {

    @TempDir
    Path tmp;

    static final String FEEDS = """
            version: 1
            event_types:
              OrderPlaced:
                - version: 1
                  schema: v1.json
                - version: 2
                  schema: v2.json
                  upcast:
                    - rename: { from: amt, to: amount }
                    - default: { field: currency, value: EUR }
            feeds:
              - name: acme
                bucket: drop
                key_pattern: "acme/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order}"
                  occurred_at: { column: at, fallback_to_ingestion_time: true }
                  id: { strategy: column, column: order }
                table: order_events
                derived: [ { events: appended, destination: orders-out } ]
            """;

    Path feeds;

    @BeforeEach
    void write() throws Exception {
        Files.writeString(tmp.resolve("v1.json"), "{\"type\":\"object\",\"required\":[\"amt\"],\"properties\":{\"amt\":{\"type\":\"number\"}}}");
        Files.writeString(tmp.resolve("v2.json"), "{\"type\":\"object\",\"required\":[\"amount\",\"currency\"],"
                + "\"properties\":{\"amount\":{\"type\":\"number\"},\"currency\":{\"type\":\"string\"}}}");
        feeds = Files.writeString(tmp.resolve("feeds.yaml"), FEEDS);
    }

    @Test
    void checkPassesACompatibleVersionAndExitsOneNamingTheRuleOtherwise() throws Exception {
        CliRun ok = CliRun.of("schemas", "check", "--feeds", feeds.toString());
        assertThat(ok.code()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("1 event type(s), 2 schema version(s): compatible");

        Path broken = Files.writeString(tmp.resolve("broken.yaml"), FEEDS.replaceAll("(?m)^.*- default: .*\n", ""));
        CliRun bad = CliRun.of("schemas", "check", "--feeds", broken.toString(), "--json");
        assertThat(bad.code()).as(bad.toString()).isEqualTo(ExitCodes.FINDINGS);
        JsonNode doc = new ObjectMapper().readTree(bad.out());
        assertThat(doc.get("compatible").asBoolean()).isFalse();
        assertThat(doc.get("findings").get(0).get("rule").asText()).isEqualTo("required-added");
        assertThat(doc.get("findings").get(0).get("field").asText()).isEqualTo("currency");
    }

    @Test
    void checkAgainstABaselineRefusesAChangedStoredVersion() throws Exception {
        Path baseline = Files.writeString(tmp.resolve("baseline.yaml"), FEEDS.replace("schema: v2.json", "schema: v2-old.json"));
        Files.writeString(tmp.resolve("v2-old.json"), "{\"type\":\"object\"}");
        CliRun r = CliRun.of("schemas", "check", "--feeds", feeds.toString(), "--baseline", baseline.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(r.out()).contains("OrderPlaced v2: schema-changed: v2.json differs from the baseline's");
        assertThat(CliRun.of("schemas", "check", "--feeds", feeds.toString(), "--sample", "0").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void checkStoredRefusesAnUndeclaredStoredVersionAndAPayloadThatDoesNotUpcast() throws Exception {
        DataSource ds = TestDatabase.fresh("order_events");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO order_events (event_id, stream_id, stream_version, event_type, schema_version, occurred_at, source, payload) VALUES "
                    + "(gen_random_uuid(), 'order-1', 1, 'OrderPlaced', 1, now(), 't', '{\"amt\": 5}'),"
                    + "(gen_random_uuid(), 'order-2', 1, 'OrderPlaced', 1, now(), 't', '{\"amt\": 5, \"amount\": 6}'),"
                    + "(gen_random_uuid(), 'order-3', 1, 'OrderPlaced', 3, now(), 't', '{}')");
        }
        CliRun r = CliRun.of("schemas", "check", "--feeds", feeds.toString(), "--stored", "--database-url", TestDatabase.settingsFor(ds).url());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(r.out()).contains("2 stored payload(s) upcast: 2 incompatibilities",
                "OrderPlaced v1: stored-payload-fails 'amount': order_events position",
                "step 'rename amt -> amount': field 'amount': the target field exists already",
                "OrderPlaced v3: stored-version-undeclared: order_events stores it; event_types declares 1 to 2");
    }

    @Test
    void catalogPrintsEachEventTypeWithVersionsSchemaFeedsAndDestinations() throws Exception {
        CliRun md = CliRun.of("schemas", "catalog", "--feeds", feeds.toString());
        assertThat(md.code()).as(md.toString()).isZero();
        assertThat(md.out()).contains("## OrderPlaced", "- Source feeds: `acme`", "- Destinations: `orders-out`", "### Version 2 (`v2.json`)",
                "Upcast from version 1: `rename amt -> amount`, `default currency = \"EUR\"`", "```json");
        CliRun json = CliRun.of("schemas", "catalog", "--feeds", feeds.toString(), "--json");
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertThat(doc.get("eventTypes").get(0).get("versions")).hasSize(2);
        assertThat(doc.get("eventTypes").get(0).get("versions").get(1).get("schema").get("required").toString()).isEqualTo("[\"amount\",\"currency\"]");
    }
}
