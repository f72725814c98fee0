package io.inlet.ledger;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Puts a status enum's database values into SQL text in place of {@code {NAME}} tokens. */
final class StatusSql {

    private static final Pattern TOKEN = Pattern.compile("\\{([A-Z][A-Z_]*)}");

    private StatusSql() {
    }

    /** The constant of {@code type} stored as {@code value} in {@code table}; an unknown value fails, naming it. */
    static <E extends Enum<E>> E parse(Class<E> type, String value, String table) {
        for (E s : type.getEnumConstants()) {
            if (s.name().equals(value)) return s;
        }
        throw new IllegalStateException("unknown " + kind(type) + " '" + value + "' in " + table + " (known: "
                + Arrays.toString(type.getEnumConstants()) + "): written by a newer version of Inlet, or by hand?");
    }

    private static String kind(Class<?> type) {
        // FileStatus -> "file status"
        return type.getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }

    static <E extends Enum<E>> String fill(Class<E> type, String template) {
        Matcher m = TOKEN.matcher(template);
        StringBuilder sql = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            E status = Arrays.stream(type.getEnumConstants()).filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("SQL names {" + name + "}, which is no "
                            + type.getSimpleName() + " (known: " + Arrays.toString(type.getEnumConstants()) + ")"));
            m.appendReplacement(sql, Matcher.quoteReplacement("'" + status.name() + "'"));
        }
        m.appendTail(sql);
        return sql.toString();
    }
}
