package io.inlet.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.event.SchemaCatalog;
import io.inlet.store.Transactions;
import io.inlet.testing.OrderPlacedVersions;
import io.inlet.testing.TestDatabase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader asked for a schema version per event type: upcast on the way out, never downcast, errors that stop the read. */
class UpcastingReaderTest {

    // reads numbers as written: 133.80 stays 133.80
    static final ObjectMapper EXACT = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .nodeFactory(io.inlet.event.FieldTyping.NODES).build();

    final DataSource db = TestDatabase.fresh("order_events");
    final EventReader plain = new EventReader(new Transactions(db));

    @TempDir
    Path dir;
    SchemaCatalog catalog;

    @BeforeEach
    void load() {
        catalog = OrderPlacedVersions.catalog(dir);
    }

    /**
     * Property: random payloads valid at v1 or v2, stored at their version among events of another
     * type, read page by page as OrderPlaced=3, all come back once, in order, at v3, valid against
     * v3's schema, with their values carried (amount exact, label derived); the other type as
     * stored. Seeded: a failure reproduces.
     */
    @Test
    void storedV1AndV2EventsReadAsV3AllValidateAgainstV3() throws Exception {
        long seed = Long.getLong("inlet.test.seed", 1632L);
        Random random = new Random(seed);
        List<UUID> ids = new ArrayList<>();
        Map<UUID, ObjectNode> stored = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            int version = random.nextBoolean() ? 1 : 2;
            ObjectNode p = version == 1 ? OrderPlacedVersions.v1Payload(random) : OrderPlacedVersions.v2Payload(random);
            assertThat(catalog.version("OrderPlaced", version).orElseThrow().schema().firstViolation(p))
                    .as("seed %d: the generator makes v%d payloads", seed, version).isEmpty();
            UUID id = append("OrderPlaced", version, p.toString());
            ids.add(id);
            stored.put(id, p);
            if (i % 10 == 0) ids.add(append("OrderPaid", 1, "{\"paid\": 1.50}"));
        }
        UpcastingReader reader = new UpcastingReader(plain, catalog, AsVersions.parse(List.of("OrderPlaced=3")));
        List<ReadEvent> read = new ArrayList<>();
        ReadRequest request = ReadRequest.all(Checkpoint.BEGINNING, 37);
        for (ReadBatch b = reader.read(request); ; b = reader.read(request)) {
            read.addAll(b.events());
            request = request.after(b.next());
            if (!b.more()) break;
        }
        assertThat(read).extracting(ReadEvent::eventId).containsExactlyElementsOf(ids);
        for (ReadEvent e : read) {
            if (e.eventType().equals("OrderPaid")) {
                assertThat(e.schemaVersion()).isEqualTo(1);
                assertThat(e.payload()).isEqualTo("{\"paid\": 1.50}");
                continue;
            }
            JsonNode v3 = EXACT.readTree(e.payload());
            ObjectNode was = stored.get(e.eventId());
            assertThat(e.schemaVersion()).isEqualTo(3);
            assertThat(catalog.version("OrderPlaced", 3).orElseThrow().schema().firstViolation(v3)).as("seed %d: %s -> %s", seed, was, v3).isEmpty();
            BigDecimal amount = (was.has("amt") ? was.get("amt") : was.get("amount")).decimalValue();
            assertThat(new BigDecimal(v3.get("amount").toString())).as("seed %d: %s", seed, was).isEqualTo(amount);
            String currency = was.has("currency") ? was.get("currency").asText() : "EUR";
            assertThat(v3.get("label").asText()).isEqualTo(was.get("order").asText() + "/" + currency);
            if (was.path("customer").has("id")) assertThat(v3.get("customer_id").asText()).isEqualTo(was.get("customer").get("id").asText());
        }
    }

    @Test
    void anEventStoredAboveTheAskedVersionStopsTheReadNamingIdTypeAndVersions() throws Exception {
        append("OrderPlaced", 2, "{\"order\": \"O-1\", \"amount\": 1, \"currency\": \"EUR\"}");
        UUID v3 = append("OrderPlaced", 3, "{\"order\": \"O-2\", \"amount\": 1, \"currency\": \"EUR\", \"label\": \"O-2/EUR\"}");
        UpcastingReader asV2 = new UpcastingReader(plain, catalog, AsVersions.parse(List.of("OrderPlaced=2")));
        assertThatThrownBy(() -> asV2.read(ReadRequest.all(Checkpoint.BEGINNING, 10)))
                .isInstanceOfSatisfying(ReadUpcastException.class, e -> {
                    assertThat(e.eventId()).isEqualTo(v3);
                    assertThat(e.askedVersion()).isEqualTo(2);
                    assertThat(e.event().schemaVersion()).isEqualTo(3);
                })
                .hasMessageContaining("event " + v3).hasMessageContaining("OrderPlaced stored at v3")
                .hasMessageContaining("cannot be read as v2").hasMessageContaining("no downcasting");
    }

    @Test
    void aPayloadThatDoesNotUpcastStopsTheReadNamingTheEventStepAndField() throws Exception {
        UUID good = append("OrderPlaced", 1, "{\"order\": \"O-1\", \"amt\": 2.50}");
        UUID bad = append("OrderPlaced", 1, "{\"order\": \"O-2\", \"amt\": 3, \"amount\": 4}");
        UpcastingReader asV3 = new UpcastingReader(plain, catalog, AsVersions.parse(List.of("OrderPlaced=3")));
        assertThat(asV3.read(ReadRequest.all(Checkpoint.BEGINNING, 1)).events()).extracting(ReadEvent::eventId).containsExactly(good);
        assertThatThrownBy(() -> asV3.read(ReadRequest.all(Checkpoint.BEGINNING, 10)))
                .isInstanceOfSatisfying(ReadUpcastException.class, e -> {
                    assertThat(e.eventId()).isEqualTo(bad);
                    assertThat(e.field()).isEqualTo("amount");
                })
                .hasMessageContaining("event " + bad)
                .hasMessageContaining("OrderPlaced v1 -> v2: step 'rename amt -> amount': field 'amount'");
        assertThat(new UpcastingReader(plain, catalog, AsVersions.NONE).read(ReadRequest.all(Checkpoint.BEGINNING, 10)).events())
                .as("asked for nothing: as stored").extracting(ReadEvent::schemaVersion).containsExactly(1, 1);
    }

    @Test
    void anUndeclaredTypeOrVersionOrBadSyntaxIsRefusedBeforeReading() {
        assertThatThrownBy(() -> new UpcastingReader(plain, catalog, AsVersions.parse(List.of("OrderPlaced=4"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OrderPlaced=4: event_types declares OrderPlaced versions 1 to 3");
        assertThatThrownBy(() -> new UpcastingReader(plain, catalog, AsVersions.parse(List.of("OrderShipped=1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not declare OrderShipped");
        for (String bad : List.of("OrderPlaced", "OrderPlaced=", "=2", "OrderPlaced=x", "OrderPlaced=2,", "A=1,A=2", "OrderPlaced=0")) {
            assertThatThrownBy(() -> AsVersions.parse(List.of(bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(AsVersions.parse(List.of("B=2, A=1", "C=3"))).hasToString("A=1,B=2,C=3");
        assertThat(AsVersions.parse(List.of(AsVersions.parse(List.of("B=2,A=1")).toString())).versions()).isEqualTo(Map.of("A", 1, "B", 2));
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
}
