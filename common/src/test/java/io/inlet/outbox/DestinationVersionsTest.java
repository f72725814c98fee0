package io.inlet.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedConfigException;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.InboundMessage;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A destination that asks for a schema version gets every event at it: the relay upcasts older
 * payloads, and the CloudEvent and the message say the version sent; what cannot be upcast fails
 * its row with the reason and holds its stream, never sent at another version.
 */
class DestinationVersionsTest {

    static final String FEEDS = """
            version: 1
            event_types:
              Paid:
                - version: 1
                  schema: paid.v1.json
                - version: 2
                  schema: paid.v2.json
                  upcast:
                    - rename: { from: amt, to: amount }
                    - default: { field: currency, value: EUR }
            messages:
              - name: payments
                channel: payments
                format: auto
                mapping:
                  event_type: Paid
                  stream_id: "payment-{account}"
                  occurred_at: { column: at, fallback_to_ingestion_time: true }
                  id: { strategy: column, column: id }
                  payload: { include: all }
                table: payment_events
                derived:
                  - { events: appended, destination: ledger-v2, schema_versions: { Paid: 2 } }
                  - { events: appended, destination: raw }
            """;

    static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder().nodeFactory(io.inlet.event.FieldTyping.NODES)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    @TempDir
    Path dir;

    FeedRegistry feeds() throws Exception {
        Files.writeString(dir.resolve("paid.v1.json"), "{\"type\":\"object\",\"required\":[\"amt\"],\"properties\":{\"amt\":{\"type\":\"number\"}}}");
        Files.writeString(dir.resolve("paid.v2.json"), "{\"type\":\"object\",\"required\":[\"amount\",\"currency\"],"
                + "\"properties\":{\"amount\":{\"type\":\"number\"},\"currency\":{\"type\":\"string\"}}}");
        return FeedRegistry.parse(FEEDS, "feeds.yaml", dir);
    }

    @Test
    void theRelayUpcastsToTheVersionTheDestinationAsksForAndAFailedUpcastHoldsItsStream() throws Exception {
        FeedRegistry feeds = feeds();
        DataSource ds = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("destination-versions").build();
        inlet.ingestMessage(new InboundMessage("m1", "payments", "{\"id\":\"p1\",\"account\":\"a\",\"amt\":12.50}", Map.of()));
        inlet.ingestMessage(new InboundMessage("m2", "payments", "{\"id\":\"p2\",\"account\":\"b\",\"amount\":3,\"currency\":\"USD\"}",
                Map.of("schemaVersion", "2")));
        // valid at v1, but its rename would overwrite a field: it cannot be sent at v2
        inlet.ingestMessage(new InboundMessage("m3", "payments", "{\"id\":\"p3\",\"account\":\"c\",\"amt\":1,\"amount\":2}", Map.of()));
        inlet.ingestMessage(new InboundMessage("m4", "payments", "{\"id\":\"p4\",\"account\":\"c\",\"amt\":4}", Map.of()));
        List<OutboxMessage> sent = new ArrayList<>();
        EventPublisher recording = batch -> {
            Map<Long, String> ok = new HashMap<>();
            for (OutboxMessage m : batch) {
                sent.add(m);
                ok.put(m.outboxId(), "msg-" + m.outboxId());
            }
            return new PublishResult(ok, Map.of());
        };

        inlet.relay(recording, Deadline.none());

        Map<String, List<String>> byDestination = new HashMap<>();
        for (OutboxMessage m : sent) {
            JsonNode ce = JSON.readTree(m.body());
            assertThat(ce.get("schemaversion").asInt()).isEqualTo(m.schemaVersion());
            byDestination.computeIfAbsent(m.destination(), d -> new ArrayList<>())
                    .add(m.streamId() + " v" + m.schemaVersion() + " " + ce.get("data"));
        }
        assertThat(byDestination.get("ledger-v2")).containsExactly(
                "payment-a v2 {\"amount\":12.50,\"currency\":\"EUR\"}".replace("{\"amount\"", "{\"id\":\"p1\",\"account\":\"a\",\"amount\""),
                "payment-b v2 {\"id\":\"p2\",\"amount\":3,\"account\":\"b\",\"currency\":\"USD\"}");
        assertThat(byDestination.get("raw")).hasSize(4).allMatch(s -> s.contains(" v1 ") || s.startsWith("payment-b v2"));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT o.stream_id, o.attempts, o.last_error, o.published_at IS NULL FROM outbox o "
                     + "WHERE destination = 'ledger-v2' AND stream_id = 'payment-c' ORDER BY outbox_id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(2)).isEqualTo(1);
            assertThat(rs.getString(3)).isEqualTo("cannot render for destination 'ledger-v2': Paid v1 -> v2: "
                    + "step 'rename amt -> amount': field 'amount': the target field exists already");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(4)).as("the next event of the stream waits").isTrue();
        }
    }

    @Test
    void aDestinationAsksForADeclaredVersionOnceOnAppendedRoutesOnly() throws Exception {
        feeds();
        assertThatThrownBy(() -> FeedRegistry.parse(FEEDS.replace("schema_versions: { Paid: 2 }", "schema_versions: { Paid: 3 }"), "feeds.yaml", dir))
                .isInstanceOf(FeedConfigException.class).hasMessageContaining("schema_versions.Paid: version 3 of Paid is not declared in event_types");
        assertThatThrownBy(() -> FeedRegistry.parse(FEEDS.replace("destination: raw }", "destination: ledger-v2, schema_versions: { Paid: 1 } }"),
                "feeds.yaml", dir)).hasMessageContaining("already asks for version 2 of Paid");
    }
}
