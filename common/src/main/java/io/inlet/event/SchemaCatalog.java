package io.inlet.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The feeds file's {@code event_types:} section: per event type, its schema versions 1..N, each
 * with its schema and its upcaster from the previous version. An event type the catalog declares
 * is stored only at a declared version, and its payload is checked against that version's schema;
 * an event type it does not declare keeps the mapping's {@code schema_version} and {@code schemas}.
 * Immutable and thread-safe.
 */
public final class SchemaCatalog {

    public static final SchemaCatalog EMPTY = new SchemaCatalog(Map.of());

    private final Map<String, List<SchemaVersion>> types;

    /** @param types event type -> its versions, in order 1..N (checked) */
    public SchemaCatalog(Map<String, List<SchemaVersion>> types) {
        Map<String, List<SchemaVersion>> copy = new LinkedHashMap<>();
        for (Map.Entry<String, List<SchemaVersion>> e : types.entrySet()) {
            List<SchemaVersion> versions = List.copyOf(e.getValue());
            if (versions.isEmpty()) throw new IllegalArgumentException("event type " + e.getKey() + " declares no version");
            for (int i = 0; i < versions.size(); i++) {
                if (versions.get(i).version() != i + 1) {
                    throw new IllegalArgumentException("event type " + e.getKey() + ": versions must be 1, 2, ... in order; found "
                            + versions.get(i).version() + " at place " + (i + 1));
                }
            }
            copy.put(e.getKey(), versions);
        }
        this.types = Collections.unmodifiableMap(copy);
    }

    public Set<String> eventTypes() {
        return types.keySet();
    }

    public boolean declares(String eventType) {
        return types.containsKey(eventType);
    }

    /** The versions of a declared event type, 1..N; empty for an undeclared one. */
    public List<SchemaVersion> versions(String eventType) {
        return types.getOrDefault(eventType, List.of());
    }

    public Optional<SchemaVersion> version(String eventType, int version) {
        List<SchemaVersion> versions = versions(eventType);
        return version >= 1 && version <= versions.size() ? Optional.of(versions.get(version - 1)) : Optional.empty();
    }

    /** The newest version of a declared event type, or 0 for an undeclared one. */
    public int latest(String eventType) {
        return versions(eventType).size();
    }

    /**
     * Checks that an event of {@code eventType} may be stored at {@code version} with {@code payload}:
     * nothing to check for an event type the catalog does not declare; a version it does not declare
     * is refused (never stored as another version), and the payload must satisfy that version's schema.
     */
    public void check(String eventType, int version, com.fasterxml.jackson.databind.JsonNode payload) throws RecordRejectedException {
        if (!declares(eventType)) return;
        SchemaVersion declared = version(eventType, version).orElseThrow(() -> new RecordRejectedException("schema_version",
                "schema version " + version + " of " + eventType + " is not declared in event_types (declared: 1 to "
                        + latest(eventType) + ")"));
        Optional<String> violation = declared.schema().firstViolation(payload);
        if (violation.isPresent()) {
            throw new RecordRejectedException("payload", "violates schema version " + version + " of " + eventType + " ("
                    + declared.schema().file().getFileName() + "): " + violation.get());
        }
    }
}
