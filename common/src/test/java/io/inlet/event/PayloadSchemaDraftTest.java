package io.inlet.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A payload schema is read under the draft its {@code $schema} declares (2020-12 when it declares none),
 * checked against that draft's bundled meta-schema; a {@code $schema} naming no known draft is refused
 * with the file named. Guards the move of json-schema-validator from 1.5 to 2.0 (new dialect detection).
 */
class PayloadSchemaDraftTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private Path write(String name, String schema) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, schema);
        return file;
    }

    @Test
    void draft4_boolean_exclusive_maximum_is_honoured_when_the_schema_declares_draft4() throws Exception {
        PayloadSchema schema = PayloadSchema.load(write("d4.json", """
                {"$schema": "http://json-schema.org/draft-04/schema#",
                 "type": "object", "properties": {"n": {"type": "number", "maximum": 10, "exclusiveMaximum": true}}}
                """));

        assertThat(schema.firstViolation(JSON.readTree("{\"n\": 9.5}"))).isEmpty();
        assertThat(schema.firstViolation(JSON.readTree("{\"n\": 10}"))).hasValueSatisfying(
                message -> assertThat(message).startsWith("$.n: "));
    }

    @Test
    void the_same_schema_without_a_declared_draft_is_read_as_2020_12_and_refused_by_its_meta_schema() throws Exception {
        Path file = write("plain.json", """
                {"type": "object", "properties": {"n": {"type": "number", "maximum": 10, "exclusiveMaximum": true}}}
                """);

        assertThatThrownBy(() -> PayloadSchema.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("is not a valid JSON Schema: $.properties.n.exclusiveMaximum");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"https://example.com/not-a-draft\"", "42", "\"\""})
    void a_schema_naming_no_known_draft_is_refused_naming_the_file(String declared) throws Exception {
        Path file = write("unknown.json", "{\"$schema\": " + declared + ", \"type\": \"object\"}");

        assertThatThrownBy(() -> PayloadSchema.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("schema file " + file + ": unsupported $schema " + declared);
    }
}
