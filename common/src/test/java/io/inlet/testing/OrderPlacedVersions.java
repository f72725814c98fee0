package io.inlet.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.event.SchemaCatalog;
import io.inlet.feed.FeedRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * OrderPlaced at three schema versions with the upcasters between them (v1 -> v2: rename amt to
 * amount, default currency EUR; v2 -> v3: move customer.id to customer_id, derive label), declared in
 * a feeds file, and seeded generators of its payloads: what the core's upcasting tests and the
 * reader's share.
 */
public final class OrderPlacedVersions {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String V1 = """
            {"type": "object", "required": ["order", "amt"],
             "properties": {"order": {"type": "string"}, "amt": {"type": "number"},
                            "customer": {"type": "object", "properties": {"id": {"type": "string"}}},
                            "note": {"type": "string"}}}""";
    public static final String V2 = """
            {"type": "object", "required": ["order", "amount", "currency"],
             "properties": {"order": {"type": "string"}, "amount": {"type": "number"},
                            "currency": {"type": "string", "minLength": 3},
                            "customer": {"type": "object", "properties": {"id": {"type": "string"}}},
                            "note": {"type": "string"}},
             "additionalProperties": false}""";
    public static final String V3 = """
            {"type": "object", "required": ["order", "amount", "currency", "label"],
             "properties": {"order": {"type": "string"}, "amount": {"type": "number"},
                            "currency": {"type": "string"}, "customer_id": {"type": "string"},
                            "label": {"type": "string"}, "note": {"type": "string"}, "customer": {"type": "object"}},
             "additionalProperties": false}""";

    /** The feeds file declaring the three versions; its schemas are v1.json, v2.json, v3.json beside it ({@link #writeSchemas}). */
    public static final String FEEDS = """
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

    private OrderPlacedVersions() {
    }

    /** Writes v1.json, v2.json and v3.json into the directory the feeds file is parsed in. */
    public static void writeSchemas(Path dir) {
        try {
            Files.writeString(dir.resolve("v1.json"), V1);
            Files.writeString(dir.resolve("v2.json"), V2);
            Files.writeString(dir.resolve("v3.json"), V3);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The three versions' schemas and upcasters, with the schemas written into the directory. */
    public static SchemaCatalog catalog(Path dir) {
        writeSchemas(dir);
        return FeedRegistry.parse(FEEDS, "feeds.yaml", dir).schemaCatalog();
    }

    /**
     * A payload of any shape: fields of every version present or absent (order and amt mostly
     * present), each holding a value of its type or of another, and an extra field; some are valid at v1.
     */
    public static ObjectNode anyPayload(Random r) {
        ObjectNode p = JSON.createObjectNode();
        String[] names = {"order", "amt", "customer", "note", "amount", "currency", "label", "customer_id", "x"};
        for (String n : names) {
            if (r.nextInt(n.equals("order") || n.equals("amt") ? 10 : 3) == 0 || (!n.equals("order") && !n.equals("amt") && r.nextBoolean())) continue;
            p.set(n, anyValue(r, n));
        }
        return p;
    }

    private static JsonNode anyValue(Random r, String name) {
        int kind = r.nextInt(10);
        if (name.equals("customer") && kind < 6) {
            ObjectNode c = JSON.createObjectNode();
            if (r.nextBoolean()) c.set("id", anyValue(r, "id"));
            return c;
        }
        return switch (kind % 5) {
            case 0 -> JSON.getNodeFactory().textNode(r.nextBoolean() ? "" : "v" + r.nextInt(100));
            case 1 -> JSON.getNodeFactory().numberNode(r.nextInt(1000) - 500);
            case 2 -> JSON.getNodeFactory().numberNode(new BigDecimal(r.nextInt(100000)).movePointLeft(2));
            case 3 -> JSON.getNodeFactory().booleanNode(r.nextBoolean());
            default -> JSON.getNodeFactory().textNode("t" + r.nextInt(10));
        };
    }

    /** A payload valid at v1: amt with up to three decimals, sometimes a customer, a note, a currency. */
    public static ObjectNode v1Payload(Random r) {
        ObjectNode p = JSON.createObjectNode();
        p.put("order", "O-" + r.nextInt(10_000));
        p.put("amt", new BigDecimal(r.nextInt(1_000_000) - 500_000).movePointLeft(r.nextInt(4)));
        customerAndNote(r, p);
        if (r.nextInt(4) == 0) p.put("currency", currency(r));
        return p;
    }

    /** A payload valid at v2: amount, a currency, sometimes a customer and a note. */
    public static ObjectNode v2Payload(Random r) {
        ObjectNode p = JSON.createObjectNode();
        p.put("order", "O-" + r.nextInt(10_000));
        p.put("amount", r.nextBoolean() ? new BigDecimal(r.nextInt(100_000)).movePointLeft(2) : BigDecimal.valueOf(r.nextInt(50)));
        p.put("currency", currency(r));
        customerAndNote(r, p);
        return p;
    }

    private static void customerAndNote(Random r, ObjectNode p) {
        if (r.nextBoolean()) {
            ObjectNode c = p.putObject("customer");
            if (r.nextBoolean()) c.put("id", "C-" + r.nextInt(100));
        }
        if (r.nextBoolean()) p.put("note", r.nextBoolean() ? "" : "n" + r.nextInt(100));
    }

    private static String currency(Random r) {
        return List.of("EUR", "USD", "CHF", "GBP").get(r.nextInt(4));
    }
}
