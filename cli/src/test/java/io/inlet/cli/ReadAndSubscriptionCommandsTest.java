package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inlet read} and {@code inlet subscription ...} over a real database and a JSON lines file destination. */
class ReadAndSubscriptionCommandsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    final DataSource db = TestDatabase.fresh("order_events");
    final String url = TestDatabase.settingsFor(db).url();

    @TempDir
    Path dir;

    @Test
    void readPagesThroughEveryTableWithTheCheckpointItPrints() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) ids.add(append(i % 2 == 0 ? "events" : "order_events", "o-" + i, i < 3 ? "OrderPlaced" : "OrderPaid"));

        CliRun first = CliRun.of("read", "--limit", "3", "--database-url", url);
        assertThat(first.code()).as(first.err()).isZero();
        List<JsonNode> lines = lines(first.out());
        assertThat(lines).extracting(l -> UUID.fromString(l.path("eventId").asText())).containsExactlyElementsOf(ids.subList(0, 3));
        assertThat(lines.get(0).path("payload").path("amount").decimalValue()).isEqualByComparingTo("10.10");
        String next = lastLine(first.err());
        assertThat(next).startsWith("next ").endsWith(" more");
        assertThat(next.split(" ")[1]).isEqualTo(lines.get(2).path("checkpoint").asText());

        CliRun rest = CliRun.of("read", "--after", next.split(" ")[1], "--database-url", url);
        assertThat(lines(rest.out())).extracting(l -> UUID.fromString(l.path("eventId").asText()))
                .containsExactlyElementsOf(ids.subList(3, 5));
        assertThat(lastLine(rest.err())).endsWith(" tail");

        CliRun paid = CliRun.of("read", "--types", "OrderPaid", "--tables", "order_events", "--database-url", url);
        assertThat(lines(paid.out())).extracting(l -> l.path("streamId").asText()).containsExactly("o-3");
    }

    @Test
    void readRefusesABadCheckpointOrAnUnknownTableWithExitTwo() {
        CliRun bad = CliRun.of("read", "--after", "12-4", "--database-url", url);
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("--after", "'12-4' is not TX:POSITION");
        CliRun unknown = CliRun.of("read", "--tables", "outbox", "--database-url", url);
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("not an event table: outbox");
    }

    @Test
    void aSubscriptionBackfillsAFileThenFollowsNewEventsAndStopsWhenRemoved() throws Exception {
        List<UUID> history = new ArrayList<>();
        for (int i = 0; i < 4; i++) history.add(append("order_events", "order-" + (i % 2), "OrderPlaced"));
        Path file = dir.resolve("orders.jsonl");

        CliRun added = CliRun.of("subscription", "add", "warehouse", "--destination", "warehouse-orders", "--from", "beginning",
                "--json", "--database-url", url);
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(JSON.readTree(added.out()).path("checkpoint").asText()).isEqualTo("0:0");
        assertThat(CliRun.of("subscription", "add", "warehouse", "--destination", "x", "--from", "beginning", "--database-url", url)
                .code()).as("a name taken").isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.of("subscription", "add", "other", "--destination", "x", "--from", "yesterday", "--database-url", url)
                .code()).as("a start that is none").isEqualTo(ExitCodes.USAGE);

        CliRun run = CliRun.of("subscription", "run", "--output", file.toString(), "--database-url", url);
        assertThat(run.code()).as(run.err()).isZero();
        List<JsonNode> written = lines(Files.readString(file));
        assertThat(written).extracting(l -> UUID.fromString(l.path("cloudEvent").path("id").asText()))
                .containsExactlyElementsOf(history);
        assertThat(written).extracting(l -> l.path("destination").asText()).containsOnly("warehouse-orders");

        UUID live = append("events", "order-0", "OrderShipped");
        CliRun.of("subscription", "run", "--output", file.toString(), "--database-url", url);
        written = lines(Files.readString(file));
        assertThat(written).hasSize(5);
        assertThat(written.get(4).path("cloudEvent").path("id").asText()).isEqualTo(live.toString());

        JsonNode status = JSON.readTree(CliRun.of("subscription", "status", "--json", "--database-url", url).out())
                .path("subscriptions").get(0);
        assertThat(status.path("state").asText()).isEqualTo("LIVE");
        assertThat(status.path("behind").asLong()).isZero();
        assertThat(status.path("delivered").asLong()).isEqualTo(5);
        assertThat(JSON.readTree(CliRun.of("subscription", "list", "--json", "--database-url", url).out())
                .path("subscriptions").get(0).path("name").asText()).isEqualTo("warehouse");

        CliRun removed = CliRun.of("subscription", "remove", "warehouse", "--database-url", url);
        assertThat(removed.code()).as(removed.err()).isZero();
        append("events", "order-1", "OrderShipped");
        CliRun.of("subscription", "run", "--output", file.toString(), "--database-url", url);
        assertThat(lines(Files.readString(file))).as("nothing after removal").hasSize(5);
        assertThat(CliRun.of("subscription", "remove", "warehouse", "--database-url", url).code()).isEqualTo(ExitCodes.USAGE);
    }

    private UUID append(String table, String stream, String type) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) SELECT ?, ?, "
                + "coalesce(max(stream_version), 0) + 1, ?, now(), 'test', '{\"amount\": 10.10}' FROM " + table + " WHERE stream_id = ?")) {
            ps.setObject(1, id);
            ps.setString(2, stream);
            ps.setString(3, type);
            ps.setString(4, stream);
            ps.executeUpdate();
        }
        return id;
    }

    private static List<JsonNode> lines(String text) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) if (!line.isBlank()) out.add(JSON.readTree(line));
        return out;
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1].strip();
    }
}
