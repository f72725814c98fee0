package io.inlet.db;

/**
 * The Inlet schema, or an event table the feeds name, does not exist: a configuration error (run
 * {@code inlet migrate}), never retried.
 */
public final class SchemaMissingException extends IllegalStateException {

    public SchemaMissingException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True when {@code sqlState} says a relation or schema does not exist (42P01, 3F000). */
    public static boolean isMissingRelation(String sqlState) {
        return "42P01".equals(sqlState) || "3F000".equals(sqlState);
    }
}
