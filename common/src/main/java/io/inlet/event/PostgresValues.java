package io.inlet.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * What PostgreSQL accepts, checked before a value reaches SQL, so that one bad value is one
 * rejected record and never a failed statement that takes its whole batch (and file) down. Each
 * check returns the reason a value cannot be stored as it stands, or null when it can; a value that
 * PostgreSQL would silently change (an unpaired surrogate pgjdbc turns into '?', a nanosecond
 * timestamptz rounds) counts as refused: values are never changed on the way in.
 *
 * <p>The bounds and why:
 * <ul>
 *   <li>text and jsonb strings and keys: no NUL (U+0000: text cannot hold it, jsonb refuses
 *   {@code \u0000}) and no unpaired UTF-16 surrogate (not Unicode; the driver would send '?');</li>
 *   <li>indexed text ({@code stream_id}, {@code event_type}): at most {@value #INDEXED_TEXT_MAX_BYTES}
 *   bytes of UTF-8. A btree entry holds at most 2704 bytes (8 KiB pages) and a longer key fails the
 *   insert with SQLState 54000; 1 KiB leaves room for the other key columns and never relies on
 *   the key compressing;</li>
 *   <li>timestamps ({@code occurred_at}): years 0001 to 9999 UTC, whole microseconds. timestamptz
 *   spans 4713 BC to 294276 AD, but a derived event carries the time as a CloudEvent {@code time}
 *   (RFC 3339: four-digit years), and timestamptz rounds anything finer than a microsecond;</li>
 *   <li>numbers in jsonb (PostgreSQL {@code numeric}): at most {@value #NUMERIC_MAX_INTEGER_DIGITS}
 *   digits before the decimal point and {@value #NUMERIC_MAX_SCALE} after it; no NaN or infinity
 *   (not JSON).</li>
 * </ul>
 */
public final class PostgresValues {

    /** Longest stream id or event type, in bytes of UTF-8. */
    public static final int INDEXED_TEXT_MAX_BYTES = 1024;
    /** numeric: digits before the decimal point ('1e131071' is the largest power of ten). */
    public static final int NUMERIC_MAX_INTEGER_DIGITS = 131072;
    /** numeric: digits after the decimal point (NUMERIC_MAX_DSCALE). */
    public static final int NUMERIC_MAX_SCALE = 16383;

    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private PostgresValues() {
    }

    /** Why {@code value} cannot be a text value, or null. */
    public static String textProblem(String value) {
        if (value == null) return null;
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == 0) return "contains a NUL character (U+0000) at character " + (i + 1) + ", which PostgreSQL cannot store";
            if (Character.isHighSurrogate(ch) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                return "contains an unpaired UTF-16 surrogate (U+" + hex(ch) + ") at character " + (i + 1) + ", which is not Unicode";
            }
        }
        return null;
    }

    /** Why {@code value} cannot be the value of an indexed text column, or null. */
    public static String indexedTextProblem(String value) {
        String problem = textProblem(value);
        if (problem != null || value == null) return problem;
        if (value.length() * 3L <= INDEXED_TEXT_MAX_BYTES) return null;
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        return bytes <= INDEXED_TEXT_MAX_BYTES ? null
                : "is " + bytes + " bytes of UTF-8, longer than the " + INDEXED_TEXT_MAX_BYTES + " bytes an indexed column takes";
    }

    /** Why {@code instant} cannot be an event's timestamptz, or null. */
    public static String timestampProblem(Instant instant) {
        if (instant == null) return null;
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            return instant + " is out of range (0001-01-01 to 9999-12-31 UTC)";
        }
        if (instant.getNano() % 1000 != 0) {
            return instant + " is finer than a microsecond, which PostgreSQL would round";
        }
        return null;
    }

    /** Why {@code number} cannot be a jsonb number, or null. */
    public static String numberProblem(BigDecimal number) {
        long scale = number.scale();
        long integerDigits = number.precision() - scale;
        if (integerDigits > NUMERIC_MAX_INTEGER_DIGITS) {
            return "number " + abbreviated(number) + " has " + integerDigits + " digits before the decimal point; "
                    + "PostgreSQL numeric holds " + NUMERIC_MAX_INTEGER_DIGITS;
        }
        if (scale > NUMERIC_MAX_SCALE) {
            return "number " + abbreviated(number) + " has " + scale + " digits after the decimal point; "
                    + "PostgreSQL numeric holds " + NUMERIC_MAX_SCALE;
        }
        return null;
    }

    /** A value of a JSON tree that cannot be stored in jsonb: where (a path such as {@code items[2].name}) and why. */
    public record JsonProblem(String path, String reason) {
    }

    /** The first value or key of {@code node} that jsonb cannot store as it stands; {@code path} names the node. */
    public static Optional<JsonProblem> jsonProblem(String path, JsonNode node) {
        if (node == null) return Optional.empty();
        if (node.isTextual()) return problem(path, textProblem(node.textValue()));
        if (node.isNumber()) return problem(path, jsonNumberProblem(node));
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                String keyProblem = textProblem(field.getKey());
                if (keyProblem != null) return Optional.of(new JsonProblem(at, "key " + keyProblem));
                Optional<JsonProblem> inner = jsonProblem(at, field.getValue());
                if (inner.isPresent()) return inner;
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<JsonProblem> inner = jsonProblem(path + "[" + i + "]", node.get(i));
                if (inner.isPresent()) return inner;
            }
        }
        return Optional.empty();
    }

    private static String jsonNumberProblem(JsonNode number) {
        if (number.isBigDecimal()) return numberProblem(number.decimalValue());
        if (number.isBigInteger()) return numberProblem(new BigDecimal(number.bigIntegerValue()));
        if (number.isIntegralNumber()) return null; // int, long: always fits
        double d = number.doubleValue();
        if (!Double.isFinite(d)) return "number " + d + " is not a JSON number";
        return numberProblem(new BigDecimal(number.asText()));
    }

    /**
     * {@code text} made storable where PostgreSQL must keep what it was given anyway (a rejected
     * record's raw text, field and reason; a file's first error): a NUL becomes the six characters
     * {@code \u0000} and an unpaired surrogate {@code \uD800} (its code, upper-case hex), visibly; the
     * rest is kept verbatim. Not reversible: a literal {@code \u0000} in the input reads the same.
     */
    public static String storable(String text) {
        if (text == null || textProblem(text) == null) return text;
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(ch).append(text.charAt(++i));
            } else if (ch == 0 || Character.isSurrogate(ch)) {
                out.append("\\u").append(hex(ch));
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private static Optional<JsonProblem> problem(String path, String reason) {
        return reason == null ? Optional.empty() : Optional.of(new JsonProblem(path, reason));
    }

    private static String abbreviated(BigDecimal number) {
        String s = number.toString();
        return s.length() > 40 ? s.substring(0, 20) + "..." + s.substring(s.length() - 12) : s;
    }

    private static String hex(char ch) {
        return String.format("%04X", (int) ch);
    }
}
