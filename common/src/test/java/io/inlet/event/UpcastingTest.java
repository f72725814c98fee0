package io.inlet.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.feed.FeedConfigException;
import io.inlet.feed.FeedRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upcasters declared in the feeds file, chained v1 -> v2 -> v3 with Jackson tree operations. */
class UpcastingTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static final String V1 = """
            {"type": "object", "required": ["order", "amt"],
             "properties": {"order": {"type": "string"}, "amt": {"type": "number"},
                            "customer": {"type": "object", "properties": {"id": {"type": "string"}}},
                            "note": {"type": "string"}}}""";
    static final String V2 = """
            {"type": "object", "required": ["order", "amount", "currency"],
             "properties": {"order": {"type": "string"}, "amount": {"type": "number"},
                            "currency": {"type": "string", "minLength": 3},
                            "customer": {"type": "object", "properties": {"id": {"type": "string"}}},
                            "note": {"type": "string"}},
             "additionalProperties": false}""";
    static final String V3 = """
            {"type": "object", "required": ["order", "amount", "currency", "label"],
             "properties": {"order": {"type": "string"}, "amount": {"type": "number"},
                            "currency": {"type": "string"}, "customer_id": {"type": "string"},
                            "label": {"type": "string"}, "note": {"type": "string"}, "customer": {"type": "object"}},
             "additionalProperties": false}""";

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
                    - move: { from: customer.id, to: customer_id }
                    - derive: { field: label, template: "{order}/{currency}" }
            messages:
              - name: orders
                channel: orders
                format: cloudevent
                table: order_events
            """;

    @TempDir
    Path dir;
    Upcasting upcasting;

    @BeforeEach
    void load() throws Exception {
        Files.writeString(dir.resolve("v1.json"), V1);
        Files.writeString(dir.resolve("v2.json"), V2);
        Files.writeString(dir.resolve("v3.json"), V3);
        upcasting = new Upcasting(FeedRegistry.parse(FEEDS, "feeds.yaml", dir).schemaCatalog());
    }

    @Test
    void aV1PayloadIsUpcastStepByStepToTheRequestedVersionAndTheStoredOneIsUntouched() throws Exception {
        JsonNode stored = JSON.readTree("{\"order\": \"O-1\", \"amt\": 12.5, \"customer\": {\"id\": \"C-7\"}}");

        Upcasting.Upcasted v2 = upcasting.to("OrderPlaced", 2).apply(1, stored);
        Upcasting.Upcasted v3 = upcasting.to("OrderPlaced", 3).apply(1, stored);

        assertThat(v2.payload()).isEqualTo(JSON.readTree("{\"order\": \"O-1\", \"customer\": {\"id\": \"C-7\"}, \"amount\": 12.5, \"currency\": \"EUR\"}"));
        assertThat(v3.payload()).isEqualTo(JSON.readTree(
                "{\"order\": \"O-1\", \"customer\": {}, \"amount\": 12.5, \"currency\": \"EUR\", \"customer_id\": \"C-7\", \"label\": \"O-1/EUR\"}"));
        assertThat(upcasting.to("OrderPlaced", 3).apply(3, v3.payload()).payload()).isSameAs(v3.payload());
        assertThat(stored.has("amt")).isTrue();
    }

    @Test
    void whatCannotBeUpcastIsAnErrorNamingTheVersionsTheStepAndTheField() throws Exception {
        JsonNode taken = JSON.readTree("{\"order\": \"O-1\", \"amt\": 1, \"amount\": 2}");
        assertThatThrownBy(() -> upcasting.to("OrderPlaced", 2).apply(1, taken))
                .isInstanceOf(UpcastException.class)
                .hasMessage("OrderPlaced v1 -> v2: step 'rename amt -> amount': field 'amount': the target field exists already");
        JsonNode notAnObject = JSON.readTree("{\"order\": \"O-1\", \"amt\": 1, \"customer\": \"C-7\"}");
        assertThatThrownBy(() -> upcasting.to("OrderPlaced", 3).apply(1, notAnObject))
                .hasMessage("OrderPlaced v2 -> v3: step 'move customer.id -> customer_id': field 'customer': expected an object, found string");
        assertThatThrownBy(() -> upcasting.to("OrderPlaced", 2).apply(3, JSON.readTree("{}")))
                .hasMessage("OrderPlaced v3 is newer than the requested v2 (no downcasting)");
        assertThatThrownBy(() -> upcasting.to("OrderPlaced", 4)).hasMessageContaining("event_types declares versions 1 to 3");
        assertThatThrownBy(() -> upcasting.to("OrderShipped", 1)).hasMessageContaining("does not declare OrderShipped");
    }

    /**
     * Property: random payloads valid at v1 (fields of v1's schema present or absent, values of
     * their types or of others, extra fields) upcast to v3 are valid against v3's schema, or the
     * upcast fails with an error naming the transform and the field. Seeded: a failure reproduces.
     */
    @Test
    void everyPayloadValidAtV1UpcastsToAPayloadValidAtV3OrAClearError() {
        long seed = Long.getLong("inlet.test.seed", 1604L);
        Random random = new Random(seed);
        SchemaCatalog catalog = upcastingCatalog();
        int valid = 0, upcast = 0;
        for (int i = 0; i < 6000; i++) {
            ObjectNode p = randomPayload(random);
            if (catalog.version("OrderPlaced", 1).orElseThrow().schema().firstViolation(p).isPresent()) continue;
            valid++;
            try {
                JsonNode v3 = upcasting.to("OrderPlaced", 3).apply(1, p).payload();
                assertThat(catalog.version("OrderPlaced", 3).orElseThrow().schema().firstViolation(v3))
                        .as("seed %d payload %s -> %s", seed, p, v3).isEmpty();
                upcast++;
            } catch (UpcastException e) {
                assertThat(e.getMessage()).as("seed %d payload %s", seed, p)
                        .matches("OrderPlaced v\\d -> v\\d: step '.+': field '.+': .+|OrderPlaced v1 upcast to v3 violates its schema .+");
            }
        }
        assertThat(valid).as("enough valid payloads were generated").isGreaterThan(300);
        assertThat(upcast).as("enough payloads upcast (the others fail with a named step or schema violation)").isGreaterThan(50);
    }

    private SchemaCatalog upcastingCatalog() {
        return FeedRegistry.parse(FEEDS, "feeds.yaml", dir).schemaCatalog();
    }

    private static ObjectNode randomPayload(Random r) {
        ObjectNode p = JSON.createObjectNode();
        String[] names = {"order", "amt", "customer", "note", "amount", "currency", "label", "customer_id", "x"};
        for (String n : names) {
            if (r.nextInt(n.equals("order") || n.equals("amt") ? 10 : 3) == 0 || (!n.equals("order") && !n.equals("amt") && r.nextBoolean())) continue;
            p.set(n, randomValue(r, n));
        }
        return p;
    }

    private static JsonNode randomValue(Random r, String name) {
        int kind = r.nextInt(10);
        if (name.equals("customer") && kind < 6) {
            ObjectNode c = JSON.createObjectNode();
            if (r.nextBoolean()) c.set("id", randomValue(r, "id"));
            return c;
        }
        return switch (kind % 5) {
            case 0 -> JSON.getNodeFactory().textNode(r.nextBoolean() ? "" : "v" + r.nextInt(100));
            case 1 -> JSON.getNodeFactory().numberNode(r.nextInt(1000) - 500);
            case 2 -> JSON.getNodeFactory().numberNode(new java.math.BigDecimal(r.nextInt(100000)).movePointLeft(2));
            case 3 -> JSON.getNodeFactory().booleanNode(r.nextBoolean());
            default -> JSON.getNodeFactory().textNode("t" + r.nextInt(10));
        };
    }

    @Test
    void theEventTypesSectionIsStrict() throws Exception {
        load();
        String base = FEEDS.substring(0, FEEDS.indexOf("messages:"));
        String messages = FEEDS.substring(FEEDS.indexOf("messages:"));
        assertThatThrownBy(() -> FeedRegistry.parse(base.replace("version: 3", "version: 4") + messages, "feeds.yaml", dir))
                .isInstanceOf(FeedConfigException.class)
                .hasMessageContaining("event_types.OrderPlaced[2].version: expected version 3 here");
        assertThatThrownBy(() -> FeedRegistry.parse(base.replace("- rename: { from: amt, to: amount }", "- rename: { from: amt }") + messages,
                "feeds.yaml", dir)).hasMessageContaining("upcast[0].rename.to: is required");
        assertThatThrownBy(() -> FeedRegistry.parse(base.replace("- rename: { from: amt, to: amount }", "- script: { code: x }") + messages,
                "feeds.yaml", dir)).hasMessageContaining("expected one of rename, move, default, derive");
        assertThatThrownBy(() -> FeedRegistry.parse(base.replace("- default: { field: currency, value: EUR }", "- { default: { field: currency } }") + messages,
                "feeds.yaml", dir)).hasMessageContaining("default.value: is required");
        assertThatThrownBy(() -> FeedRegistry.parse(base.replace("upcast:\n        - move", "upcasts:\n        - move") + messages,
                "feeds.yaml", dir)).hasMessageContaining("upcasts");
        assertThatThrownBy(() -> FeedRegistry.parse(base.replace("template: \"{order}/{currency}\"", "template: \"{order\"") + messages,
                "feeds.yaml", dir)).hasMessageContaining("derive");
    }
}
