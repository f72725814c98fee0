package io.inlet.read;

import io.inlet.event.SchemaCatalog;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The schema version a reader or a subscription asks for, per event type: {@code OrderPlaced=3}.
 * Event types not named are returned at their stored version.
 */
public record AsVersions(Map<String, Integer> versions) {

    public static final AsVersions NONE = new AsVersions(Map.of());

    private static final Pattern PAIR = Pattern.compile("\\s*([^=\\s,]+)\\s*=\\s*([0-9]{1,9})\\s*");

    public AsVersions {
        versions = Collections.unmodifiableSortedMap(new TreeMap<>(versions));
        versions.forEach((type, v) -> {
            if (v < 1) throw new IllegalArgumentException(type + "=" + v + ": a schema version is 1 or more");
        });
    }

    /**
     * Parses {@code TYPE=N[,TYPE=N...]} from each argument (the text {@link #toString()} gives).
     *
     * @throws IllegalArgumentException naming the piece that is not {@code TYPE=N}, or a type given twice
     */
    public static AsVersions parse(Collection<String> args) {
        Map<String, Integer> out = new TreeMap<>();
        for (String arg : args) {
            if (arg == null || arg.isBlank()) continue;
            for (String piece : arg.split(",", -1)) {
                Matcher m = PAIR.matcher(piece);
                if (!m.matches()) throw new IllegalArgumentException("'" + piece + "' is not TYPE=N (e.g. OrderPlaced=2)");
                Integer before = out.put(m.group(1), Integer.parseInt(m.group(2)));
                if (before != null) throw new IllegalArgumentException(m.group(1) + " is given twice");
            }
        }
        return new AsVersions(out);
    }

    public boolean isEmpty() {
        return versions.isEmpty();
    }

    /**
     * Checks every asked version is declared by the catalog.
     *
     * @throws IllegalArgumentException naming the event type and what event_types declares
     */
    public void checkDeclared(SchemaCatalog catalog) {
        versions.forEach((type, v) -> {
            if (!catalog.declares(type)) {
                throw new IllegalArgumentException(type + "=" + v + ": event_types does not declare " + type);
            }
            if (catalog.version(type, v).isEmpty()) {
                throw new IllegalArgumentException(type + "=" + v + ": event_types declares " + type + " versions 1 to " + catalog.latest(type));
            }
        });
    }

    /** {@code A=2,B=3}, in type order; empty when nothing is asked. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        versions.forEach((type, v) -> s.append(s.isEmpty() ? "" : ",").append(type).append('=').append(v));
        return s.toString();
    }
}
