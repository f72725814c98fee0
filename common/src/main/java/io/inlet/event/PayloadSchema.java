package io.inlet.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * A JSON Schema an event type's payload must satisfy (draft 2020-12 unless the schema's
 * {@code $schema} names another draft). Loading checks the schema against its meta-schema, from
 * the validator's bundled copies, never the network. Thread-safe once loaded.
 */
public final class PayloadSchema {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .pathType(PathType.JSON_PATH)
            .build();

    private final Path file;
    private final JsonSchema schema;

    private PayloadSchema(Path file, JsonSchema schema) {
        this.file = file;
        this.schema = schema;
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
        SpecVersion.VersionFlag version;
        try {
            version = node.has("$schema") ? SpecVersionDetector.detect(node) : SpecVersion.VersionFlag.V202012;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("schema file " + file + ": unsupported $schema " + node.get("$schema"), e);
        }
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(version);
        JsonSchema meta = factory.getSchema(SchemaLocation.of(version.getId()), CONFIG);
        Optional<String> wrong = first(meta.validate(node));
        if (wrong.isPresent()) {
            throw new IllegalArgumentException("schema file " + file + " is not a valid JSON Schema: " + wrong.get());
        }
        try {
            return new PayloadSchema(file, factory.getSchema(node, CONFIG));
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

    private static Optional<String> first(Set<ValidationMessage> messages) {
        return messages.stream().findFirst().map(ValidationMessage::getMessage);
    }
}
