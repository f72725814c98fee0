package io.inlet.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A JSON Schema an event type's payload must satisfy (draft 2020-12 unless the schema's
 * {@code $schema} names another draft). Loading checks the schema against its meta-schema, from
 * the validator's bundled copies, never the network. Thread-safe once loaded.
 */
public final class PayloadSchema {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistryConfig CONFIG = SchemaRegistryConfig.builder()
            .pathType(PathType.JSON_PATH)
            .build();

    private final Path file;
    private final Schema schema;
    private final JsonNode node;

    private PayloadSchema(Path file, Schema schema, JsonNode node) {
        this.file = file;
        this.schema = schema;
        this.node = node;
    }

    /** The schema document as loaded (a copy: callers cannot change the schema). */
    public JsonNode node() {
        return node.deepCopy();
    }

    /** Loads and checks a schema file; a missing, non-JSON or invalid schema throws IllegalArgumentException. */
    public static PayloadSchema load(Path file) {
        JsonNode node;
        try {
            node = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("schema file not found: " + file);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("schema file " + file + " is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("schema file " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (node == null || !(node.isObject() || node.isBoolean())) {
            throw new IllegalArgumentException("schema file " + file + " is not a JSON Schema (expected an object)");
        }
        SpecificationVersion version = node.has("$schema") ? declaredVersion(file, node) : SpecificationVersion.DRAFT_2020_12;
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(version, builder -> builder.schemaRegistryConfig(CONFIG));
        Schema meta = registry.getSchema(SchemaLocation.of(version.getDialectId()));
        Optional<String> wrong = first(meta.validate(node));
        if (wrong.isPresent()) {
            throw new IllegalArgumentException("schema file " + file + " is not a valid JSON Schema: " + wrong.get());
        }
        try {
            return new PayloadSchema(file, registry.getSchema(node), node);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("schema file " + file + " cannot be compiled: " + e.getMessage(), e);
        }
    }

    /** The first violation of the payload, with its JSON path (e.g. {@code $.amount: string found, number expected}). */
    public Optional<String> firstViolation(JsonNode payload) {
        return first(schema.validate(payload));
    }

    public Path file() {
        return file;
    }

    private static SpecificationVersion declaredVersion(Path file, JsonNode node) {
        Optional<SpecificationVersion> version;
        try {
            version = SpecificationVersion.fromSchemaNode(node);
        } catch (RuntimeException e) {
            version = Optional.empty();
        }
        return version.orElseThrow(() -> new IllegalArgumentException(
                "schema file " + file + ": unsupported $schema " + node.get("$schema")));
    }

    private static Optional<String> first(List<Error> errors) {
        return errors.stream().findFirst().map(PayloadSchema::describe);
    }

    /** "{@code <JSON path of the instance>: <message>}", as the validator's 1.x messages read. */
    private static String describe(Error error) {
        String where = String.valueOf(error.getInstanceLocation());
        String message = error.getMessage();
        return message.startsWith(where) ? message : where + ": " + message;
    }
}
