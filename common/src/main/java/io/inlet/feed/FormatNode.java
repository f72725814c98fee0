package io.inlet.feed;

import io.inlet.parse.FormatOptions;
import io.inlet.parse.FormatSpec;
import io.inlet.parse.RecordFormat;
import io.inlet.parse.RecordFormats;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A feed's {@code format:} mapping: resolves {@code type} in the registry (an unknown name is an
 * error listing the known ones), refuses keys the format does not take (naming the formats that do
 * take them), and lends the node to the format to read its options, so the format's errors name
 * the file, the feed and the option.
 */
final class FormatNode implements FormatOptions {

    private final ConfigNode node;

    private FormatNode(ConfigNode node) {
        this.node = node;
    }

    static FormatSpec spec(ConfigNode node, RecordFormats formats) {
        if (!node.isObject()) throw node.error("expected a mapping (type: ..., ...), found " + (node.isScalar()
                ? "'" + node.raw().asText() + "'" : "a list"));
        ConfigNode typeNode = node.get("type");
        if (typeNode.isAbsent()) throw typeNode.error("is required (one of: " + String.join(", ", formats.names()) + ")");
        String type = typeNode.text();
        RecordFormat format = formats.find(type).orElseThrow(() -> typeNode.error("unknown format '" + type
                + "' (known formats: " + String.join(", ", formats.names()) + ")"));
        Set<String> allowed = new TreeSet<>(format.optionKeys());
        allowed.add("type");
        for (String key : node.entries().keySet()) {
            if (allowed.contains(key)) continue;
            List<String> takenBy = new ArrayList<>();
            for (RecordFormat other : formats.formats()) {
                if (other.optionKeys().contains(key)) takenBy.add(other.name());
            }
            if (!takenBy.isEmpty()) throw node.get(key).error("only applies to type " + String.join(" or ", takenBy));
        }
        node.requireKeys(allowed);
        return format.spec(new FormatNode(node));
    }

    @Override
    public boolean has(String key) {
        return node.has(key);
    }

    @Override
    public String text(String key, String fallback) {
        return node.get(key).text(fallback);
    }

    @Override
    public boolean bool(String key, boolean fallback) {
        return node.get(key).bool(fallback);
    }

    @Override
    public long integer(String key, long fallback, long min, long max) {
        return node.get(key).integer(fallback, min, max);
    }

    @Override
    public List<String> texts(String key) {
        return node.get(key).texts();
    }

    @Override
    public FeedConfigException error(String key, String message) {
        return node.get(key).error(message);
    }

    @Override
    public FeedConfigException error(String key, int index, String message) {
        List<ConfigNode> elements = node.get(key).elements();
        return index >= 0 && index < elements.size() ? elements.get(index).error(message) : error(key, message);
    }
}
