package io.inlet.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.feed.FeedConfigException;
import io.inlet.feed.FeedRegistry;
import io.inlet.testing.OrderPlacedVersions;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upcasters declared in the feeds file, chained v1 -> v2 -> v3 with Jackson tree operations. */
class UpcastingTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Upcasting upcasting;

    @BeforeEach
    void load() {
        upcasting = new Upcasting(OrderPlacedVersions.catalog(dir));
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
            ObjectNode p = OrderPlacedVersions.anyPayload(random);
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
        return OrderPlacedVersions.catalog(dir);
    }

    @Test
    void theEventTypesSectionIsStrict() throws Exception {
        load();
        String base = OrderPlacedVersions.FEEDS.substring(0, OrderPlacedVersions.FEEDS.indexOf("messages:"));
        String messages = OrderPlacedVersions.FEEDS.substring(OrderPlacedVersions.FEEDS.indexOf("messages:"));
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
