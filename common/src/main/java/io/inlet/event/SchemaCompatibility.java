package io.inlet.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a catalog's versions stay readable: "backward compatible" means every payload valid at
 * version n-1, upcast by version n's steps, is valid at version n, so that every stored payload can
 * be read at the newest version. Checked structurally on the schemas' top-level {@code properties}
 * and {@code required} (names followed through the upcaster's renames and moves), plus, against a
 * baseline catalog (the one already deployed), that stored versions are immutable.
 *
 * <p>Rules, each a {@link Finding#rule()}:
 * <ul>
 *   <li>{@code required-added}: a field required at n, not required at n-1 and set by no
 *       {@code default} or {@code derive} step;</li>
 *   <li>{@code type-narrowed}: a field's {@code type} at n admits fewer JSON types than at n-1
 *       ({@code integer} to {@code number} widens, the reverse narrows);</li>
 *   <li>{@code properties-closed}: version n forbids fields it does not name
 *       ({@code additionalProperties: false}) and version n-1 did not;</li>
 *   <li>{@code field-removed}: version n forbids other fields ({@code additionalProperties: false})
 *       and a field of n-1 is not among its properties after the upcast;</li>
 *   <li>{@code version-removed}, {@code schema-changed}, {@code upcast-changed}: a version of the
 *       baseline is missing, or its schema or its steps differ (payloads were stored under them).</li>
 * </ul>
 * Adding a new event type, or a new version that keeps these rules, is compatible.
 */
public final class SchemaCompatibility {

    /** One incompatibility. */
    public record Finding(String eventType, int version, String rule, String field, String detail) {
        public String describe() {
            return eventType + " v" + version + ": " + rule + (field == null ? "" : " '" + field + "'") + ": " + detail;
        }
    }

    private SchemaCompatibility() {
    }

    /** Every incompatibility of {@code catalog}, against {@code baseline} (may be {@link SchemaCatalog#EMPTY}). */
    public static List<Finding> check(SchemaCatalog catalog, SchemaCatalog baseline) {
        List<Finding> out = new ArrayList<>();
        for (String type : baseline.eventTypes()) {
            for (SchemaVersion old : baseline.versions(type)) {
                var now = catalog.version(type, old.version());
                if (now.isEmpty()) {
                    out.add(new Finding(type, old.version(), "version-removed", null, "the baseline declares it; stored payloads may have it"));
                    continue;
                }
                if (!now.get().schema().node().equals(old.schema().node())) {
                    out.add(new Finding(type, old.version(), "schema-changed", null, now.get().schema().file().getFileName()
                            + " differs from the baseline's; a stored version's schema is immutable (add a version instead)"));
                }
                if (!describe(now.get().upcast()).equals(describe(old.upcast()))) {
                    out.add(new Finding(type, old.version(), "upcast-changed", null, "steps " + describe(now.get().upcast())
                            + " differ from the baseline's " + describe(old.upcast())));
                }
            }
        }
        for (String type : catalog.eventTypes()) {
            List<SchemaVersion> versions = catalog.versions(type);
            for (int i = 1; i < versions.size(); i++) out.addAll(pair(type, versions.get(i - 1), versions.get(i)));
        }
        return out;
    }

    private static List<String> describe(List<UpcastStep> steps) {
        return steps.stream().map(UpcastStep::describe).toList();
    }

    private static List<Finding> pair(String type, SchemaVersion before, SchemaVersion after) {
        JsonNode was = before.schema().node(), is = after.schema().node();
        // where each top-level field of n-1 ends up after the steps (null: moved below the top level)
        Map<String, String> renamed = new HashMap<>();
        for (String f : names(was.get("properties"))) renamed.put(f, f);
        Set<String> set = new LinkedHashSet<>();
        for (UpcastStep step : after.upcast()) {
            if (step instanceof UpcastStep.Rename r) follow(renamed, r.from(), r.to());
            if (step instanceof UpcastStep.Move m) follow(renamed, m.from(), m.to());
            if (step instanceof UpcastStep.Default d) set.add(d.field());
            if (step instanceof UpcastStep.Derive d) set.add(d.field());
        }
        Set<String> requiredBefore = new LinkedHashSet<>();
        for (String f : texts(was.get("required"))) {
            String now = renamed.getOrDefault(f, f);
            if (now != null) requiredBefore.add(now);
        }
        List<Finding> out = new ArrayList<>();
        int v = after.version();
        for (String f : texts(is.get("required"))) {
            if (!requiredBefore.contains(f) && !set.contains(f)) {
                out.add(new Finding(type, v, "required-added", f, "required at v" + v + " but not at v" + before.version()
                        + ", and no default or derive step sets it"));
            }
        }
        JsonNode propsBefore = was.get("properties"), propsAfter = is.get("properties");
        for (String f : names(propsBefore)) {
            String now = renamed.get(f);
            if (now == null || propsAfter == null || !propsAfter.has(now)) continue;
            Set<String> tb = types(propsBefore.get(f)), ta = types(propsAfter.get(now));
            if (tb.isEmpty() || ta.isEmpty()) {
                if (!ta.isEmpty()) out.add(new Finding(type, v, "type-narrowed", now, "any type at v" + before.version() + ", " + ta + " at v" + v));
                continue;
            }
            Set<String> lost = new LinkedHashSet<>(tb);
            lost.removeAll(ta);
            if (ta.contains("number")) lost.remove("integer");
            if (!lost.isEmpty()) {
                out.add(new Finding(type, v, "type-narrowed", now, tb + " at v" + before.version() + ", " + ta + " at v" + v
                        + " (" + lost + " no longer allowed)"));
            }
        }
        JsonNode additional = is.get("additionalProperties");
        if (additional != null && additional.isBoolean() && !additional.booleanValue()) {
            JsonNode wasAdditional = was.get("additionalProperties");
            if (wasAdditional == null || !(wasAdditional.isBoolean() && !wasAdditional.booleanValue())) {
                out.add(new Finding(type, v, "properties-closed", null, "v" + v + " forbids fields its schema does not name "
                        + "(additionalProperties: false) but v" + before.version() + " allowed them: a stored payload with one fails"));
            }
            for (String f : names(propsBefore)) {
                String now = renamed.get(f);
                if (now != null && (propsAfter == null || !propsAfter.has(now))) {
                    out.add(new Finding(type, v, "field-removed", now, "v" + v + " forbids other fields (additionalProperties: false)"
                            + " and a v" + before.version() + " payload may have it"));
                }
            }
        }
        return out;
    }

    private static void follow(Map<String, String> renamed, String from, String to) {
        for (Map.Entry<String, String> e : renamed.entrySet()) {
            if (from.equals(e.getValue())) e.setValue(to.contains(".") ? null : to);
        }
    }

    private static List<String> names(JsonNode properties) {
        List<String> out = new ArrayList<>();
        if (properties != null && properties.isObject()) properties.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Set<String> types(JsonNode property) {
        Set<String> out = new LinkedHashSet<>();
        JsonNode t = property == null ? null : property.get("type");
        if (t == null) return out;
        if (t.isArray()) t.forEach(n -> out.add(n.asText()));
        else out.add(t.asText());
        return out;
    }
}
