package io.inlet.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * Upcasting of stored payloads to the version a reader or a destination asks for: the upcasters
 * n -> n+1 of the {@link SchemaCatalog} chained from the stored version to the requested one.
 * {@code upcasting.to("OrderPlaced", 3).apply(1, payload)} runs 1 -> 2 -> 3 and checks the result
 * against version 3's schema. Never downcasts; the stored payload is never modified (a copy is).
 */
public final class Upcasting {

    private final SchemaCatalog catalog;

    public Upcasting(SchemaCatalog catalog) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /**
     * The upcast of one event type's payloads to {@code version}.
     *
     * @throws UpcastException when the catalog does not declare that event type and version
     */
    public Upcast to(String eventType, int version) {
        if (catalog.version(eventType, version).isEmpty()) {
            throw new UpcastException("cannot upcast " + eventType + " to version " + version + ": "
                    + (catalog.declares(eventType) ? "event_types declares versions 1 to " + catalog.latest(eventType)
                    : "event_types does not declare " + eventType));
        }
        return new Upcast(eventType, version);
    }

    /** A payload at a version. */
    public record Upcasted(int version, JsonNode payload) {
    }

    /** The chain of upcasters to one version of one event type. */
    public final class Upcast {

        private final String eventType;
        private final int target;

        private Upcast(String eventType, int target) {
            this.eventType = eventType;
            this.target = target;
        }

        public int target() {
            return target;
        }

        /**
         * The payload, stored at {@code from}, as version {@link #target()}: the stored payload
         * itself when {@code from} is the target, else upcast step by step and checked against the
         * target's schema.
         *
         * @throws UpcastException naming the versions, the step and the field, when {@code from} is
         *                         undeclared or newer than the target, a step fails, or the result
         *                         violates the target's schema
         */
        public Upcasted apply(int from, JsonNode payload) {
            if (catalog.version(eventType, from).isEmpty()) {
                throw new UpcastException(eventType + " v" + from + " is not declared in event_types (declared: 1 to "
                        + catalog.latest(eventType) + ")");
            }
            if (from > target) throw new UpcastException(eventType + " v" + from + " is newer than the requested v" + target + " (no downcasting)");
            if (from == target) return new Upcasted(target, payload);
            if (!payload.isObject()) throw new UpcastException(eventType + " v" + from + ": the payload is not a JSON object");
            ObjectNode copy = ((ObjectNode) payload).deepCopy();
            for (int v = from + 1; v <= target; v++) {
                SchemaVersion next = catalog.version(eventType, v).orElseThrow();
                for (UpcastStep step : next.upcast()) {
                    try {
                        step.apply(copy);
                    } catch (UpcastException e) {
                        throw new UpcastException(eventType + " v" + (v - 1) + " -> v" + v, e);
                    }
                }
            }
            SchemaVersion wanted = catalog.version(eventType, target).orElseThrow();
            Optional<String> violation = wanted.schema().firstViolation(copy);
            if (violation.isPresent()) {
                throw new UpcastException(eventType + " v" + from + " upcast to v" + target + " violates its schema ("
                        + wanted.schema().file().getFileName() + "): " + violation.get());
            }
            return new Upcasted(target, copy);
        }
    }
}
