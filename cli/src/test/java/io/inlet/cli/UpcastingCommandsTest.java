package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inlet read --as-version} and {@code inlet subscription add --schema-version}: upcast on the way out, never downcast, never skipped. */
class UpcastingCommandsTest {

    static final ObjectMapper JSON = new ObjectMapper();

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
                - version: 3
                  schema: v3.json
                  upcast:
                    - derive: { field: label, template: "{order}/{currency}" }
            messages:
              - name: orders
                channel: orders
                format: cloudevent
                table: order_events
            """;

    final DataSource db = TestDatabase.fresh("order_events");
    final String url = TestDatabase.settingsFor(db).url();

    @TempDir
    Path dir;
    String feeds;

    @BeforeEach
    void files() throws Exception {
        Files.writeString(dir.resolve("v1.json"), """
                {"type": "object", "required": ["order", "amt"], "properties": {"order": {"type": "string"}, "amt": {"type": "number"}}}""");
        Files.writeString(dir.resolve("v2.json"), """
                {"type": "object", "required": ["order", "amount", "currency"],
                 "properties": {"order": {"type": "string"}, "amount": {"type": "number"}, "currency": {"type": "string"}}}""");
        Files.writeString(dir.resolve("v3.json"), """
                {"type": "object", "required": ["order", "amount", "currency", "label"],
                 "properties": {"order": {"type": "string"}, "amount": {"type": "number"}, "currency": {"type": "string"},
                                "label": {"type": "string"}}}""");
        feeds = dir.resolve("feeds.yaml").toString();
        Files.writeString(Path.of(feeds), FEEDS);
    }

    @Test
    void readAsVersionUpcastsTheAskedTypeAndLeavesOthersAsStored() throws Exception {
        UUID v1 = append("OrderPlaced", 1, "{\"order\": \"O-1\", \"amt\": 12.50}");
        UUID paid = append("OrderPaid", 1, "{\"paid\": true}");
        UUID v2 = append("OrderPlaced", 2, "{\"order\": \"O-2\", \"amount\": 3, \"currency\": \"CHF\"}");

        CliRun run = CliRun.of("read", "--as-version", "OrderPlaced=3", "--feeds", feeds, "--database-url", url);
        assertThat(run.code()).as(run.err()).isZero();
        List<JsonNode> lines = lines(run.out());
        assertThat(lines).extracting(l -> UUID.fromString(l.path("eventId").asText())).containsExactly(v1, paid, v2);
        assertThat(lines).extracting(l -> l.path("schemaVersion").asInt()).containsExactly(3, 1, 3);
        assertThat(run.out().lines().findFirst().orElseThrow()).as("the amount exactly as stored")
                .contains("\"amount\":12.50", "\"currency\":\"EUR\"", "\"label\":\"O-1/EUR\"").doesNotContain("\"amt\"");
        assertThat(lines.get(1).path("payload").toString()).isEqualTo("{\"paid\":true}");
        assertThat(lines.get(2).path("payload").path("label").asText()).isEqualTo("O-2/CHF");
    }

    @Test
    void readAsAnOlderVersionThanStoredOrANonUpcastablePayloadExitsThreeNamingTheEvent() throws Exception {
        append("OrderPlaced", 1, "{\"order\": \"O-1\", \"amt\": 1}");
        UUID v3 = append("OrderPlaced", 3, "{\"order\": \"O-3\", \"amount\": 1, \"currency\": \"EUR\", \"label\": \"O-3/EUR\"}");

        CliRun down = CliRun.of("read", "--as-version", "OrderPlaced=2", "--feeds", feeds, "--database-url", url);
        assertThat(down.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(down.out()).as("nothing of the stopped batch is printed").isEmpty();
        assertThat(down.err()).contains("event " + v3, "OrderPlaced stored at v3", "cannot be read as v2", "no downcasting")
                .contains("next 0:0 stopped");

        CliRun bad = CliRun.of("read", "--after", checkpointOf(v3), "--as-version", "OrderPlaced=3", "--feeds", feeds, "--database-url", url);
        assertThat(bad.code()).as(bad.err()).isZero();
        UUID broken = append("OrderPlaced", 1, "{\"order\": \"O-9\", \"amt\": 1, \"amount\": 2}");
        CliRun stopped = CliRun.of("read", "--after", checkpointOf(v3), "--as-version", "OrderPlaced=3", "--feeds", feeds, "--database-url", url);
        assertThat(stopped.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(stopped.err()).contains("event " + broken, "step 'rename amt -> amount': field 'amount'");
    }

    @Test
    void badAsVersionArgumentsExitTwo() {
        for (String bad : List.of("OrderPlaced", "OrderPlaced=x", "OrderPlaced=4", "OrderShipped=1", "OrderPlaced=1,OrderPlaced=2")) {
            CliRun run = CliRun.of("read", "--as-version", bad, "--feeds", feeds, "--database-url", url);
            assertThat(run.code()).as(bad + ": " + run.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(run.err()).contains("--as-version");
            CliRun add = CliRun.of("subscription", "add", "s", "--destination", "d", "--from", "beginning", "--schema-version", bad,
                    "--feeds", feeds, "--database-url", url);
            assertThat(add.code()).as(bad + ": " + add.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(add.err()).contains("--schema-version");
        }
    }

    @Test
    void aSubscriptionWithAVersionDeliversUpcastPayloadsAndStopsFailingOnOneThatDoesNotUpcast() throws Exception {
        List<UUID> history = new ArrayList<>();
        history.add(append("OrderPlaced", 1, "{\"order\": \"O-1\", \"amt\": 12.50}"));
        history.add(append("OrderPlaced", 2, "{\"order\": \"O-2\", \"amount\": 3, \"currency\": \"CHF\"}"));
        history.add(append("OrderPaid", 1, "{\"paid\": true}"));
        Path file = dir.resolve("orders.jsonl");

        CliRun added = CliRun.of("subscription", "add", "ledger", "--destination", "ledger-v3", "--from", "beginning",
                "--schema-version", "OrderPlaced=3", "--json", "--feeds", feeds, "--database-url", url);
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(JSON.readTree(added.out()).path("schemaVersions").path("OrderPlaced").asInt()).isEqualTo(3);

        CliRun run = CliRun.of("subscription", "run", "--output", file.toString(), "--feeds", feeds, "--database-url", url);
        assertThat(run.code()).as(run.err()).isZero();
        List<JsonNode> written = lines(Files.readString(file));
        assertThat(written).extracting(l -> UUID.fromString(l.path("cloudEvent").path("id").asText())).containsExactlyElementsOf(history);
        assertThat(written).extracting(l -> l.path("cloudEvent").path("schemaversion").asInt()).containsExactly(3, 3, 1);
        assertThat(Files.readAllLines(file).get(0)).as("the amount exactly as stored")
                .contains("\"amount\":12.50", "\"label\":\"O-1/EUR\"").doesNotContain("\"amt\"");
        assertThat(written.get(1).path("cloudEvent").path("data").path("label").asText()).isEqualTo("O-2/CHF");

        UUID broken = append("OrderPlaced", 1, "{\"order\": \"O-9\", \"amt\": 1, \"amount\": 2}");
        append("OrderPaid", 1, "{\"paid\": false}"); // behind the broken one: not delivered either
        for (int attempt = 0; attempt < 2; attempt++) {
            CliRun stuck = CliRun.of("subscription", "run", "--output", file.toString(), "--feeds", feeds, "--database-url", url);
            assertThat(stuck.code()).as(stuck.err()).isEqualTo(ExitCodes.FINDINGS);
            assertThat(lines(Files.readString(file))).as("not past the event, not skipped, attempt %d", attempt).hasSize(3);
        }
        CliRun status = CliRun.of("subscription", "status", "--json", "--database-url", url);
        assertThat(status.code()).isEqualTo(ExitCodes.FINDINGS);
        JsonNode s = JSON.readTree(status.out()).path("subscriptions").get(0);
        assertThat(s.path("state").asText()).isEqualTo("FAILING");
        assertThat(s.path("behind").asLong()).isEqualTo(2);
        assertThat(s.path("lastError").asText()).contains("event " + broken, "cannot be read as v3",
                "step 'rename amt -> amount': field 'amount'");
    }

    private String checkpointOf(UUID id) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT tx::text || ':' || position FROM order_events WHERE event_id = ?")) {
            ps.setObject(1, id);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private UUID append(String type, int version, String payload) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO order_events (event_id, stream_id, stream_version, event_type, schema_version, occurred_at, source, payload) "
                        + "VALUES (?, ?, 1, ?, ?, now(), 'test', ?::jsonb)")) {
            ps.setObject(1, id);
            ps.setString(2, "s-" + id);
            ps.setString(3, type);
            ps.setInt(4, version);
            ps.setString(5, payload);
            ps.executeUpdate();
        }
        return id;
    }

    private static List<JsonNode> lines(String text) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) if (!line.isBlank()) out.add(JSON.readTree(line));
        return out;
    }
}
