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

class OutboxReplayCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    DataSource ds;
    String url;
    String feeds;

    @BeforeEach
    void database() {
        ds = TestDatabase.fresh(List.copyOf(Samples.feeds().eventTables()));
        url = TestDatabase.settingsFor(ds).url();
        feeds = Samples.root().resolve("feeds.yaml").toString();
    }

    List<JsonNode> relay(String name) throws Exception {
        Path out = tmp.resolve(name);
        CliRun r = CliRun.of("relay", "--once", "-o", out.toString(), "--feeds", feeds, "--database-url", url);
        assertThat(r.code()).as(r.toString()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(out)) lines.add(JSON.readTree(l));
        return lines.stream().filter(l -> l.get("destination").asText().equals("orders")).toList();
    }

    /**
     * Runbook "consumer that lost messages" (docs/operations.md): find the first position the
     * consumer lacks, replay from it to its destination, run the relay, the consumer dedupes by id.
     */
    @Test
    void runbookConsumerThatLostMessages() throws Exception {
        assertThat(CliRun.of("ingest", "acme/orders-quoted.csv", "acme/orders-bom-crlf.csv", "--root", Samples.files().toString(),
                "--feeds", feeds, "--database-url", url).code()).isZero();
        List<JsonNode> first = relay("first.jsonl");
        assertThat(first).hasSizeGreaterThan(4);
        // the consumer lost everything from the third message on: the position of that message's event
        String lostFrom = first.get(2).get("cloudEvent").get("id").asText();
        long position = count("SELECT position FROM inlet.order_events WHERE event_id = '" + lostFrom + "'");
        long before = count("SELECT count(*) FROM inlet.order_events");
        CliRun replay = CliRun.of("outbox", "replay", "--destination", "orders", "--from", String.valueOf(position), "--reason",
                "consumer lost its queue (INC-42)", "--actor", "oncall", "--database-url", url, "--json");
        assertThat(replay.code()).as(replay.toString()).isZero();
        long replayed = JSON.readTree(replay.out()).get("rows").asLong();
        assertThat(replayed).isEqualTo(first.size() - 2);

        List<JsonNode> second = relay("second.jsonl");
        // the same CloudEvents (ids, bodies) as first published, from the lost one on, in the same order
        assertThat(second.stream().map(l -> l.get("cloudEvent")).toList())
                .isEqualTo(first.subList(2, first.size()).stream().map(l -> l.get("cloudEvent")).toList());
        assertInStreamOrder(second);
        assertThat(count("SELECT count(*) FROM inlet.order_events")).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM inlet.outbox_replays WHERE actor = 'oncall' AND rows_replayed = " + replayed)).isEqualTo(1);
        assertThat(relay("third.jsonl")).isEmpty();
        CliRun verify = CliRun.of("verify", "--feeds", feeds, "--database-url", url);
        assertThat(verify.code()).as(verify.toString()).isZero();
    }

    @Test
    void aReplayOfOneStreamFromATimeSendsThatStreamOnly() throws Exception {
        String start = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusMinutes(1).toString();
        assertThat(CliRun.of("ingest", "acme/orders-quoted.csv", "--root", Samples.files().toString(), "--feeds", feeds,
                "--database-url", url).code()).isZero();
        List<JsonNode> first = relay("first.jsonl");
        String stream = first.get(0).get("attributes").get("streamId").asText();
        CliRun replay = CliRun.of("outbox", "replay", "--destination", "orders", "--from", start, "--stream", stream,
                "--reason", "one consumer partition", "--database-url", url);
        assertThat(replay.code()).as(replay.toString()).isZero();
        List<JsonNode> second = relay("second.jsonl");
        assertThat(second).isNotEmpty().allSatisfy(l -> assertThat(l.get("attributes").get("streamId").asText()).isEqualTo(stream));
        assertThat(second.size()).isEqualTo(first.stream().filter(l -> l.get("attributes").get("streamId").asText().equals(stream)).count());
    }

    @Test
    void aBadStartIsAUsageErrorAndNothingMatchingSaysSo() {
        CliRun bad = CliRun.of("outbox", "replay", "--destination", "orders", "--from", "yesterday", "--reason", "x", "--database-url", url);
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("--from must be an event position");
        CliRun none = CliRun.of("outbox", "replay", "--destination", "orders", "--from", "1", "--reason", "x", "--database-url", url);
        assertThat(none.code()).as(none.toString()).isZero();
        assertThat(none.out()).contains("nothing to replay");
    }

    static void assertInStreamOrder(List<JsonNode> lines) {
        Map<String, List<Long>> versions = new LinkedHashMap<>();
        for (JsonNode l : lines) {
            JsonNode ce = l.get("cloudEvent");
            String stream = l.get("attributes").get("streamId").asText();
            versions.computeIfAbsent(stream, s -> new ArrayList<>()).add(ce.path("sequence").asLong(ce.path("streamversion").asLong()));
        }
        versions.values().forEach(v -> assertThat(v).isSorted());
    }

    long count(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
