package io.inlet.event;

import java.util.List;
import java.util.Objects;

/**
 * One version of an event type's payload: its JSON Schema and, from version 2 on, the upcaster
 * that turns a payload of the previous version into one of this version.
 *
 * @param version  1, 2, ... (consecutive per event type)
 * @param schema   the payload schema of this version
 * @param upcast   the steps from version - 1 to this version (empty for version 1, and for a version
 *                 whose payloads are the previous one's unchanged)
 */
public record SchemaVersion(int version, PayloadSchema schema, List<UpcastStep> upcast) {

    public SchemaVersion {
        if (version < 1) throw new IllegalArgumentException("a schema version is 1 or more, found " + version);
        Objects.requireNonNull(schema, "schema");
        upcast = List.copyOf(upcast);
        if (version == 1 && !upcast.isEmpty()) throw new IllegalArgumentException("version 1 has nothing to upcast from");
    }
}
