package io.inlet.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A file set's manifest: the members the vendor says it wrote, by object name within the set's
 * prefix, each with its size in bytes and/or a checksum (SHA-256 or MD5, hex).
 * <pre>{"members": [{"name": "part-1.csv", "size": 1234, "sha256": "9f86..."}, ...]}</pre>
 * Parsing refuses, naming the entry, a manifest that is not that shape: no members, a name twice, a
 * name with a {@code /}, a negative size, a checksum that is not hex of the right length.
 */
record Manifest(Map<String, Entry> members) {

    /** The longest manifest read, in bytes: it is held in memory and in the set's row. */
    static final int MAX_BYTES = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ENTRY_KEYS = Set.of("name", "size", "sha256", "md5");

    /** One listed member; {@code size}, {@code sha256} and {@code md5} null when not given. */
    record Entry(String name, Long size, String sha256, String md5) {
    }

    static Manifest parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject() || !root.path("members").isArray()) {
            throw new IllegalArgumentException("expected {\"members\": [...]}");
        }
        Map<String, Entry> members = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode n : root.get("members")) {
            String at = "members[" + i++ + "]";
            if (!n.isObject()) throw new IllegalArgumentException(at + ": expected an object");
            for (var it = n.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!ENTRY_KEYS.contains(key)) throw new IllegalArgumentException(at + ": unknown key '" + key + "'");
            }
            String name = n.path("name").isTextual() ? n.get("name").asText() : null;
            if (name == null || name.isEmpty() || name.contains("/")) {
                throw new IllegalArgumentException(at + ": 'name' must be an object name within the prefix (no '/')");
            }
            Long size = null;
            if (n.has("size")) {
                if (!n.get("size").canConvertToLong() || !n.get("size").isIntegralNumber() || n.get("size").asLong() < 0) {
                    throw new IllegalArgumentException(at + " (" + name + "): 'size' must be a whole number of bytes");
                }
                size = n.get("size").asLong();
            }
            String sha = hex(n, "sha256", 64, at, name);
            String md5 = hex(n, "md5", 32, at, name);
            if (members.put(name, new Entry(name, size, sha, md5)) != null) {
                throw new IllegalArgumentException(at + ": '" + name + "' is listed twice");
            }
        }
        if (members.isEmpty()) throw new IllegalArgumentException("lists no members");
        return new Manifest(Map.copyOf(members));
    }

    private static String hex(JsonNode n, String field, int length, String at, String name) {
        if (!n.has(field)) return null;
        String v = n.get(field).asText().toLowerCase(Locale.ROOT);
        if (v.length() != length || !v.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            throw new IllegalArgumentException(at + " (" + name + "): '" + field + "' must be " + length + " hex digits");
        }
        return v;
    }

    /** The manifest as stored (normalised JSON). */
    String json() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("members");
        for (Entry e : members.values().stream().sorted(java.util.Comparator.comparing(Entry::name)).toList()) {
            ObjectNode n = list.addObject();
            n.put("name", e.name());
            if (e.size() != null) n.put("size", e.size());
            if (e.sha256() != null) n.put("sha256", e.sha256());
            if (e.md5() != null) n.put("md5", e.md5());
        }
        return root.toString();
    }

    List<String> names() {
        return members.keySet().stream().sorted().toList();
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
