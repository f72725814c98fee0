package io.inlet.projection;

import java.util.List;

/**
 * What one event type does to one column: set it, or add to it (numbers only), from a payload
 * field, an event field or a constant. Values are always bound as parameters, never spliced into SQL.
 */
public record Assignment(String column, Source source, Op op) {

    public enum Op { SET, ADD }

    /** Where the value comes from. */
    public sealed interface Source permits PayloadField, Field, Constant {
    }

    /** A payload field, by its path of object keys ({@code customer.id} is {@code [customer, id]}). */
    public record PayloadField(List<String> path) implements Source {
        public PayloadField {
            path = List.copyOf(path);
        }
    }

    /** One of the event's own fields. */
    public record Field(EventField field) implements Source {
    }

    /** A constant from the configuration. */
    public record Constant(String value) implements Source {
    }
}
