package io.inlet.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.feed.FeedRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `inlet schemas check` refuses: each rule of {@link SchemaCompatibility}, and what it lets through. */
class SchemaCompatibilityTest {

    @TempDir
    Path dir;

    static final String V1 = """
            {"type": "object", "required": ["order", "amt"],
             "properties": {"order": {"type": "string"}, "amt": {"type": "integer"}, "note": {"type": "string"}}}""";

    SchemaCatalog catalog(String v2, String upcast) throws Exception {
        Files.writeString(dir.resolve("v1.json"), V1);
        String versions = "    - version: 1\n      schema: v1.json\n";
        if (v2 != null) {
            Files.writeString(dir.resolve("v2.json"), v2);
            versions += "    - version: 2\n      schema: v2.json\n      upcast: " + upcast + "\n";
        }
        String feeds = "version: 1\nevent_types:\n  OrderPlaced:\n" + versions
                + "messages:\n  - { name: m, channel: m, format: cloudevent, table: order_events }\n";
        return FeedRegistry.parse(feeds, "feeds.yaml", dir).schemaCatalog();
    }

    List<String> findings(String v2, String upcast) throws Exception {
        return SchemaCompatibility.check(catalog(v2, upcast), SchemaCatalog.EMPTY).stream().map(SchemaCompatibility.Finding::rule).toList();
    }

    @Test
    void aRenameWithANewDefaultedRequiredFieldAndAWiderTypeIsCompatible() throws Exception {
        assertThat(findings("""
                {"type": "object", "required": ["order", "amount", "currency"],
                 "properties": {"order": {"type": "string"}, "amount": {"type": "number"}, "currency": {"type": "string"}}}""",
                "[{rename: {from: amt, to: amount}}, {default: {field: currency, value: EUR}}]")).isEmpty();
    }

    @Test
    void aRequiredFieldAddedWithoutDefaultIsRefused() throws Exception {
        assertThat(findings("""
                {"type": "object", "required": ["order", "amt", "currency"],
                 "properties": {"currency": {"type": "string"}}}""", "[]")).containsExactly("required-added");
    }

    @Test
    void aNarrowedTypeIsRefused() throws Exception {
        assertThat(findings("""
                {"type": "object", "properties": {"note": {"type": "integer"}}}""", "[]")).containsExactly("type-narrowed");
    }

    @Test
    void closingTheSchemaAndDroppingAFieldAreRefused() throws Exception {
        assertThat(findings("""
                {"type": "object", "properties": {"order": {"type": "string"}, "amt": {"type": "integer"}},
                 "additionalProperties": false}""", "[]")).containsExactly("properties-closed", "field-removed");
    }

    @Test
    void aStoredVersionIsImmutableAgainstTheBaseline() throws Exception {
        SchemaCatalog baseline = catalog("{\"type\": \"object\"}", "[]");
        Files.writeString(dir.resolve("v1b.json"), V1.replace("\"note\": {\"type\": \"string\"}", "\"note\": {\"type\": \"number\"}"));
        String feeds = "version: 1\nevent_types:\n  OrderPlaced:\n    - version: 1\n      schema: v1b.json\n"
                + "messages:\n  - { name: m, channel: m, format: cloudevent, table: order_events }\n";
        SchemaCatalog now = FeedRegistry.parse(feeds, "feeds.yaml", dir).schemaCatalog();

        assertThat(SchemaCompatibility.check(now, baseline)).extracting(SchemaCompatibility.Finding::describe)
                .containsExactly("OrderPlaced v1: schema-changed: v1b.json differs from the baseline's; a stored version's schema is immutable (add a version instead)",
                        "OrderPlaced v2: version-removed: the baseline declares it; stored payloads may have it");
    }
}
