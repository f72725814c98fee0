package io.inlet.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * One step of an upcaster: a small JSON transform on a payload object, done with Jackson tree
 * operations (no script engine). Field paths are dot-separated names ({@code customer.id}). A step
 * whose source field is absent does nothing (the field was optional); a step that would overwrite a
 * field, or read through a value that is not an object, fails with {@link UpcastException} naming
 * the step and the field: no value is ever changed silently.
 */
public sealed interface UpcastStep {

    /** Applies the step to {@code payload} in place. */
    void apply(ObjectNode payload);

    /** The step as written in the feeds file, for errors and the catalog ({@code rename amt -> amount}). */
    String describe();

    /** {@code rename: {from: amt, to: amount}}: a field gets another name at the same level. */
    record Rename(String from, String to) implements UpcastStep {
        public Rename {
            FieldPath.parse(from);
            FieldPath.parse(to);
            if (!FieldPath.parse(from).parent().equals(FieldPath.parse(to).parent())) {
                throw new IllegalArgumentException("rename keeps a field at its level ('" + from + "' -> '" + to
                        + "'); use move to change the level");
            }
        }

        @Override
        public void apply(ObjectNode payload) {
            new Move(from, to).moveAs(payload, this);
        }

        @Override
        public String describe() {
            return "rename " + from + " -> " + to;
        }
    }

    /** {@code move: {from: customer.id, to: customer_id}}: a field moves to another path. */
    record Move(String from, String to) implements UpcastStep {
        public Move {
            FieldPath.parse(from);
            FieldPath.parse(to);
            if (FieldPath.parse(to).names().subList(0, Math.min(FieldPath.parse(from).names().size(), FieldPath.parse(to).names().size()))
                    .equals(FieldPath.parse(from).names())) {
                throw new IllegalArgumentException("move cannot put '" + from + "' inside itself ('" + to + "')");
            }
        }

        @Override
        public void apply(ObjectNode payload) {
            moveAs(payload, this);
        }

        void moveAs(ObjectNode payload, UpcastStep step) {
            FieldPath source = FieldPath.parse(from);
            ObjectNode sourceParent = source.parentObject(payload, step, false);
            if (sourceParent == null || !sourceParent.has(source.last())) return;
            FieldPath target = FieldPath.parse(to);
            ObjectNode targetParent = target.parentObject(payload, step, true);
            if (targetParent.has(target.last())) {
                throw new UpcastException(step, to, "the target field exists already");
            }
            JsonNode value = sourceParent.remove(source.last());
            targetParent.set(target.last(), value);
        }

        @Override
        public String describe() {
            return "move " + from + " -> " + to;
        }
    }

    /** {@code default: {field: currency, value: EUR}}: an absent field gets a value (any JSON value). */
    record Default(String field, JsonNode value) implements UpcastStep {
        public Default {
            FieldPath.parse(field);
            Objects.requireNonNull(value, "value");
        }

        @Override
        public void apply(ObjectNode payload) {
            FieldPath path = FieldPath.parse(field);
            ObjectNode parent = path.parentObject(payload, this, true);
            if (!parent.has(path.last())) parent.set(path.last(), value.deepCopy());
        }

        @Override
        public String describe() {
            return "default " + field + " = " + value;
        }
    }

    /**
     * {@code derive: {field: label, template: "{customer_id}-{amount}"}}: a new text field from
     * others; each placeholder must name a present scalar field.
     */
    record Derive(String field, StreamTemplate template) implements UpcastStep {
        public Derive {
            FieldPath.parse(field);
            Objects.requireNonNull(template, "template");
            for (String name : template.names()) FieldPath.parse(name);
        }

        @Override
        public void apply(ObjectNode payload) {
            FieldPath path = FieldPath.parse(field);
            ObjectNode parent = path.parentObject(payload, this, true);
            if (parent.has(path.last())) throw new UpcastException(this, field, "the field exists already");
            String value;
            try {
                value = template.render(name -> {
                    JsonNode v = FieldPath.parse(name).find(payload);
                    if (v == null || v.isNull()) throw new UpcastException(this, name, "the field is missing");
                    if (!v.isValueNode()) throw new UpcastException(this, name, "the field is not a scalar");
                    return v.asText();
                });
            } catch (RecordRejectedException e) {
                throw new UpcastException(this, e.field(), e.reason());
            }
            parent.put(path.last(), value);
        }

        @Override
        public String describe() {
            return "derive " + field + " = \"" + template + "\"";
        }
    }

    /** A dot-separated path of field names, each non-empty. */
    record FieldPath(List<String> names) {

        static FieldPath parse(String path) {
            if (path == null || path.isEmpty()) throw new IllegalArgumentException("a field path is required");
            String[] parts = path.split("\\.", -1);
            for (String p : parts) {
                if (p.isEmpty()) throw new IllegalArgumentException("invalid field path '" + Printable.of(path, 80) + "' (an empty name)");
            }
            return new FieldPath(List.of(parts));
        }

        List<String> parent() {
            return names.subList(0, names.size() - 1);
        }

        String last() {
            return names.get(names.size() - 1);
        }

        JsonNode find(ObjectNode root) {
            JsonNode at = root;
            for (String n : names) {
                if (at == null || !at.isObject()) return null;
                at = at.get(n);
            }
            return at;
        }

        /** The object holding the last name; created along the way when {@code create}, else null when absent. */
        ObjectNode parentObject(ObjectNode root, UpcastStep step, boolean create) {
            ObjectNode at = root;
            StringBuilder walked = new StringBuilder();
            for (String n : parent()) {
                walked.append(walked.length() == 0 ? "" : ".").append(n);
                JsonNode next = at.get(n);
                if (next == null || next.isNull()) {
                    if (!create) return null;
                    next = at.putObject(n);
                } else if (!next.isObject()) {
                    throw new UpcastException(step, walked.toString(), "expected an object, found "
                            + next.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
                }
                at = (ObjectNode) next;
            }
            return at;
        }
    }
}
