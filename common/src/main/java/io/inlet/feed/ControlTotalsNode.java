package io.inlet.feed;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads a feed's {@code control_totals:} block into {@link ControlTotals}, naming the field of every error. */
final class ControlTotalsNode {

    private static final Set<String> TOTALS_KEYS = Set.of("header", "trailer", "sidecar");
    private static final Set<String> RECORD_KEYS = Set.of("pattern", "count", "sums");
    private static final Set<String> SIDECAR_KEYS = Set.of("suffix", "format", "pattern", "count", "sums", "md5", "sha256", "wait");
    private static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9_.-]{2,40}");
    static final Duration DEFAULT_WAIT = Duration.ofHours(6);

    private ControlTotalsNode() {
    }

    static ControlTotals totals(ConfigNode node) {
        if (node.isAbsent()) return ControlTotals.NONE;
        node.requireKeys(TOTALS_KEYS);
        ControlTotals.ControlRecord header = record(node.get("header"));
        ControlTotals.ControlRecord trailer = record(node.get("trailer"));
        ControlTotals.Sidecar sidecar = sidecar(node.get("sidecar"));
        ControlTotals totals = new ControlTotals(header, trailer, sidecar);
        if (!totals.declared()) throw node.error("declares nothing: give a header, a trailer and/or a sidecar");
        return totals;
    }

    private static ControlTotals.ControlRecord record(ConfigNode node) {
        if (node.isAbsent()) return null;
        node.requireKeys(RECORD_KEYS);
        Pattern pattern = pattern(node.get("pattern"));
        ControlTotals.Fields fields = fields(node, pattern, false);
        return new ControlTotals.ControlRecord(pattern, fields);
    }

    private static ControlTotals.Sidecar sidecar(ConfigNode node) {
        if (node.isAbsent()) return null;
        node.requireKeys(SIDECAR_KEYS);
        ConfigNode suffixNode = node.get("suffix");
        String suffix = suffixNode.text();
        if (!suffix.startsWith(".") || !SUFFIX.matcher(suffix).matches()) {
            throw suffixNode.error("a sidecar suffix starts with '.' (letters, digits, '_', '.', '-'), found '" + suffix + "'");
        }
        ControlTotals.Sidecar.Kind kind = switch (node.get("format").text("text")) {
            case "text" -> ControlTotals.Sidecar.Kind.TEXT;
            case "json" -> ControlTotals.Sidecar.Kind.JSON;
            default -> throw node.get("format").error("expected text or json, found '" + node.get("format").text() + "'");
        };
        Pattern pattern = null;
        ControlTotals.Fields fields = null;
        if (kind == ControlTotals.Sidecar.Kind.TEXT) {
            pattern = pattern(node.get("pattern"));
            fields = fields(node, pattern, true);
        } else {
            for (String k : new String[] {"pattern", "count", "sums", "md5", "sha256"}) {
                if (!node.get(k).isAbsent()) throw node.get(k).error("does not apply to a json manifest (its keys are records, sums, md5, sha256)");
            }
        }
        Duration wait = DEFAULT_WAIT;
        ConfigNode waitNode = node.get("wait");
        if (!waitNode.isAbsent()) {
            try {
                wait = Duration.parse(waitNode.text());
            } catch (DateTimeParseException e) {
                throw waitNode.error("expected an ISO-8601 duration such as PT2H, found '" + waitNode.text() + "'");
            }
            if (wait.isNegative() || wait.isZero()) throw waitNode.error("must be positive");
        }
        return new ControlTotals.Sidecar(suffix, kind, pattern, fields, wait);
    }

    private static Pattern pattern(ConfigNode node) {
        if (node.isAbsent()) throw node.error("is required (a regular expression with named groups)");
        try {
            return Pattern.compile(node.text());
        } catch (PatternSyntaxException e) {
            throw node.error("is not a regular expression: " + e.getDescription());
        }
    }

    private static ControlTotals.Fields fields(ConfigNode node, Pattern pattern, boolean checksums) {
        Set<String> groups = namedGroups(pattern);
        String count = group(node.get("count"), groups);
        Map<String, String> sums = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> e : node.get("sums").entries().entrySet()) {
            sums.put(e.getKey(), group(e.getValue(), groups));
        }
        String md5 = checksums ? group(node.get("md5"), groups) : null;
        String sha256 = checksums ? group(node.get("sha256"), groups) : null;
        ControlTotals.Fields fields = new ControlTotals.Fields(count, sums, md5, sha256);
        if (fields.empty()) {
            throw node.error("carries no total: name the pattern's group for count, sums" + (checksums ? ", md5 or sha256" : ""));
        }
        return fields;
    }

    /** The pattern's named groups (Java 17 has no Pattern.namedGroups()). */
    private static Set<String> namedGroups(Pattern pattern) {
        Set<String> out = new java.util.LinkedHashSet<>();
        java.util.regex.Matcher m = GROUP.matcher(pattern.pattern());
        while (m.find()) out.add(m.group(1));
        return out;
    }

    private static final Pattern GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

    private static String group(ConfigNode node, Set<String> groups) {
        if (node.isAbsent()) return null;
        String name = node.text();
        if (!groups.contains(name)) {
            throw node.error("the pattern has no named group '" + name + "' (its groups: " + groups + ")");
        }
        return name;
    }
}
