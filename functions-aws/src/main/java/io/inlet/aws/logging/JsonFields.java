package io.inlet.aws.logging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/** Puts values into a log line with their JSON types, and writes the line so it is always one valid JSON line. */
final class JsonFields {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonFields() {
    }

    /** SLF4J key-value pairs at top level with their JSON types. */
    static void putKeyValues(ObjectNode line, Set<String> reserved, List<KeyValuePair> pairs) {
        if (pairs == null) return;
        for (KeyValuePair kv : pairs) put(line, reserved, kv.key, kv.value);
    }

    /**
     * {@code value} under {@code key} with its JSON type: numbers and booleans as themselves, records,
     * maps and lists as JSON, anything Jackson cannot write as its {@code toString()}. A reserved key
     * is written as {@code kv_<key>}.
     */
    static void put(ObjectNode line, Set<String> reserved, String key, Object value) {
        if (key == null) return;
        String name = reserved.contains(key) ? "kv_" + key : key;
        line.set(name, tree(value));
    }

    static JsonNode tree(Object value) {
        if (value == null) return JSON.nullNode();
        try {
            return JSON.valueToTree(value);
        } catch (IllegalArgumentException e) {
            return JSON.getNodeFactory().textNode(String.valueOf(value));
        }
    }

    /** The line as JSON; Jackson escapes control characters, so it never spans lines. */
    static String write(ObjectNode line) {
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            ObjectNode fallback = JSON.createObjectNode();
            fallback.put("level", "ERROR");
            fallback.put("message", "log line not serialisable: " + e.getOriginalMessage());
            return fallback.toString();
        }
    }
}
