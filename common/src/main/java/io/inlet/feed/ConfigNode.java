package io.inlet.feed;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A position in the parsed feeds file: the node plus where it is (file, feed, field path), so
 * every error can say exactly what is wrong and where. Missing keys are nodes with a null value.
 */
final class ConfigNode {

    private final String origin;
    private final String owner; // "feed 'acme-orders'", "feed #2", or null at the top level
    private final String path;
    private final JsonNode node;

    ConfigNode(String origin, String owner, String path, JsonNode node) {
        this.origin = origin;
        this.owner = owner;
        this.path = path;
        this.node = node == null || node.isMissingNode() ? null : node;
    }

    /** The same node, with errors attributed to another owner (once a feed's name is known). */
    ConfigNode ownedBy(String newOwner, String newPath) {
        return new ConfigNode(origin, newOwner, newPath, node);
    }

    String path() {
        return path;
    }

    String origin() {
        return origin;
    }

    boolean isAbsent() {
        return node == null || node.isNull();
    }

    boolean isObject() {
        return node != null && node.isObject();
    }

    boolean isScalar() {
        return node != null && node.isValueNode() && !node.isNull();
    }

    JsonNode raw() {
        return node;
    }

    FeedConfigException error(String message) {
        StringBuilder s = new StringBuilder(origin).append(": ");
        if (owner != null) s.append(owner).append(": ");
        if (!path.isEmpty()) s.append(path).append(": ");
        return new FeedConfigException(s.append(message).toString());
    }

    FeedConfigException error(String message, Throwable cause) {
        FeedConfigException e = error(message);
        e.initCause(cause);
        return e;
    }

    /** Requires a mapping whose keys are all among {@code allowed}; typos are errors, never ignored. */
    ConfigNode requireKeys(Set<String> allowed) {
        if (!isObject()) throw error("expected a mapping (key: value), found " + describe());
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw child(key).error("unknown key (expected one of: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
        return this;
    }

    ConfigNode get(String key) {
        return child(key);
    }

    boolean has(String key) {
        return node != null && node.has(key) && !node.get(key).isNull();
    }

    private ConfigNode child(String key) {
        return new ConfigNode(origin, owner, path.isEmpty() ? key : path + "." + key, node == null ? null : node.get(key));
    }

    String text() {
        if (isAbsent()) throw error("is required");
        if (!isScalar()) throw error("expected a text value, found " + describe());
        return node.asText();
    }

    String text(String fallback) {
        return isAbsent() ? fallback : text();
    }

    boolean bool(boolean fallback) {
        if (isAbsent()) return fallback;
        if (!node.isBoolean()) throw error("expected true or false, found " + describe());
        return node.booleanValue();
    }

    long integer(long fallback, long min, long max) {
        if (isAbsent()) return fallback;
        if (!node.isIntegralNumber()) throw error("expected a whole number, found " + describe());
        long v = node.longValue();
        if (v < min || v > max) throw error("must be between " + min + " and " + max + ", found " + v);
        return v;
    }

    double number(double fallback, double min, double max) {
        if (isAbsent()) return fallback;
        if (!node.isNumber()) throw error("expected a number, found " + describe());
        double v = node.doubleValue();
        if (v < min || v > max) throw error("must be between " + min + " and " + max + ", found " + node.asText());
        return v;
    }

    List<ConfigNode> elements() {
        if (isAbsent()) return List.of();
        if (!node.isArray()) throw error("expected a list, found " + describe());
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) out.add(new ConfigNode(origin, owner, path + "[" + i + "]", node.get(i)));
        return out;
    }

    List<String> texts() {
        List<String> out = new ArrayList<>();
        for (ConfigNode e : elements()) out.add(e.text());
        return out;
    }

    /** The entries of a mapping, in file order. */
    Map<String, ConfigNode> entries() {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        if (isAbsent()) return out;
        if (!isObject()) throw error("expected a mapping (key: value), found " + describe());
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            out.put(key, child(key));
        }
        return out;
    }

    private String describe() {
        if (node == null || node.isNull()) return "nothing";
        if (node.isObject()) return "a mapping";
        if (node.isArray()) return "a list";
        if (node.isTextual()) return "'" + node.textValue() + "'";
        return node.toString();
    }
}
