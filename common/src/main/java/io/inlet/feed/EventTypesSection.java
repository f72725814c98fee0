package io.inlet.feed;

import io.inlet.event.PayloadSchema;
import io.inlet.event.SchemaCatalog;
import io.inlet.event.SchemaVersion;
import io.inlet.event.StreamTemplate;
import io.inlet.event.UpcastStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the feeds file's {@code event_types:} section into a {@link SchemaCatalog}: per event type
 * a list of versions 1, 2, ... in order, each with its {@code schema} file and, from version 2 on,
 * its {@code upcast} steps from the previous version. Strict: unknown keys, a step with more or
 * fewer than one kind, a missing argument or a gap in the versions are errors naming the path.
 */
final class EventTypesSection {

    private static final Set<String> VERSION_KEYS = Set.of("version", "schema", "upcast");
    private static final Set<String> STEP_KINDS = Set.of("rename", "move", "default", "derive");
    private static final Set<String> FROM_TO = Set.of("from", "to");
    private static final Set<String> DEFAULT_KEYS = Set.of("field", "value");
    private static final Set<String> DERIVE_KEYS = Set.of("field", "template");

    private EventTypesSection() {
    }

    static SchemaCatalog read(ConfigNode node, Path baseDir) {
        if (node.isAbsent()) return SchemaCatalog.EMPTY;
        if (!node.isObject()) throw node.error("expected a map of event type -> list of versions");
        Map<String, List<SchemaVersion>> types = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> e : node.entries().entrySet()) {
            ConfigNode typeNode = e.getValue();
            if (!FeedsFile.EVENT_TYPE.matcher(e.getKey()).matches()) throw typeNode.error("invalid event type '" + e.getKey() + "'");
            List<ConfigNode> versionNodes = typeNode.elements();
            if (versionNodes.isEmpty()) throw typeNode.error("declares no version (expected a list: - version: 1 ...)");
            List<SchemaVersion> versions = new ArrayList<>();
            for (int i = 0; i < versionNodes.size(); i++) versions.add(version(versionNodes.get(i).requireKeys(VERSION_KEYS), i + 1, baseDir));
            types.put(e.getKey(), versions);
        }
        return new SchemaCatalog(types);
    }

    private static SchemaVersion version(ConfigNode node, int expected, Path baseDir) {
        ConfigNode versionNode = node.get("version");
        if (versionNode.isAbsent()) throw versionNode.error("is required (versions are listed 1, 2, ... in order)");
        long version = versionNode.integer(0, 1, Integer.MAX_VALUE);
        if (version != expected) throw versionNode.error("expected version " + expected + " here (versions are listed 1, 2, ... without gaps), found " + version);
        ConfigNode schemaNode = node.get("schema");
        if (schemaNode.isAbsent()) throw schemaNode.error("is required (a JSON Schema file per version)");
        PayloadSchema schema;
        try {
            schema = PayloadSchema.load(baseDir.resolve(schemaNode.text()).normalize().toAbsolutePath());
        } catch (IllegalArgumentException ex) {
            throw schemaNode.error(ex.getMessage(), ex);
        }
        ConfigNode upcastNode = node.get("upcast");
        if (expected == 1 && !upcastNode.isAbsent()) throw upcastNode.error("version 1 has no previous version to upcast from");
        if (expected > 1 && upcastNode.isAbsent()) {
            throw upcastNode.error("is required from version 2 on (the steps from version " + (expected - 1)
                    + "; [] when the payloads are unchanged)");
        }
        List<UpcastStep> steps = new ArrayList<>();
        List<ConfigNode> stepNodes = upcastNode.elements();
        for (ConfigNode step : stepNodes) steps.add(step(step));
        return new SchemaVersion(expected, schema, steps);
    }

    private static UpcastStep step(ConfigNode node) {
        if (!node.isObject() || node.entries().size() != 1 || !STEP_KINDS.contains(node.entries().keySet().iterator().next())) {
            throw node.error("expected one of rename, move, default, derive (one per step)");
        }
        String kind = node.entries().keySet().iterator().next();
        ConfigNode args = node.get(kind);
        try {
            return switch (kind) {
                case "rename" -> new UpcastStep.Rename(required(args.requireKeys(FROM_TO), "from"), required(args, "to"));
                case "move" -> new UpcastStep.Move(required(args.requireKeys(FROM_TO), "from"), required(args, "to"));
                case "default" -> {
                    args.requireKeys(DEFAULT_KEYS);
                    required(args, "field");
                    if (args.raw() == null || !args.raw().has("value")) throw args.get("value").error("is required (any JSON value; null is a value)");
                    yield new UpcastStep.Default(args.get("field").text(), args.raw().get("value"));
                }
                case "derive" -> new UpcastStep.Derive(required(args.requireKeys(DERIVE_KEYS), "field"),
                        StreamTemplate.parse(required(args, "template")));
                default -> throw new IllegalStateException(kind);
            };
        } catch (IllegalArgumentException e) {
            throw args.error(e.getMessage(), e);
        }
    }

    private static String required(ConfigNode args, String key) {
        ConfigNode value = args.get(key);
        if (value.isAbsent()) throw value.error("is required");
        return value.text();
    }
}
