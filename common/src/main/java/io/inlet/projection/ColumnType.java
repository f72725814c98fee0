package io.inlet.projection;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The PostgreSQL types a projection column may have. A value is bound as text and cast by
 * PostgreSQL ({@link #sql}): a value the type refuses is a data error, never a silent change.
 */
public enum ColumnType {
    TEXT("text", false),
    BIGINT("bigint", true),
    NUMERIC("numeric", true),
    BOOLEAN("boolean", false),
    DATE("date", false),
    TIMESTAMPTZ("timestamptz", false),
    JSONB("jsonb", false);

    private final String sql;
    private final boolean additive;

    ColumnType(String sql, boolean additive) {
        this.sql = sql;
        this.additive = additive;
    }

    /** The type's SQL name (a fixed word of this enum, never text from configuration). */
    public String sql() {
        return sql;
    }

    /** Whether {@code op: add} applies. */
    public boolean additive() {
        return additive;
    }

    public static Optional<ColumnType> of(String name) {
        return Arrays.stream(values()).filter(t -> t.sql.equals(name.toLowerCase(Locale.ROOT))).findFirst();
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(ColumnType::sql).toList());
    }
}
