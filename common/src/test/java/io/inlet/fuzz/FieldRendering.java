package io.inlet.fuzz;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Renders a hostile {@link FuzzCase.Value} as the text of one field, with what the promise lets
 * Inlet do with it ({@link Expect}): store it exactly, reject the record, either, or (a text the
 * oracle cannot interpret) anything but a silent change it can see.
 */
final class FieldRendering {

    /** Stands for bytes that are not UTF-8; replaced by {@link Rendered#invalidBytes} when the file is encoded. */
    static final char NOT_UTF8 = '\uFFFF';
    /** Timestamps PostgreSQL's timestamptz holds: 4713 BC to 294276 AD. */
    static final Instant PG_MIN = Instant.parse("-4712-01-01T00:00:00Z");
    static final Instant PG_MAX = Instant.parse("+294276-12-31T23:59:59Z");
    static final Pattern PLAIN_DECIMAL = Pattern.compile("[+-]?[0-9]+(\\.[0-9]+)?");
    static final Pattern PLAIN_INTEGER = Pattern.compile("[+-]?[0-9]+");
    static final Pattern ASCII_NUMBER = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    static final Pattern TIME_CHARS = Pattern.compile("[0-9A-Za-z:+\\-., /]*");
    private static final byte[][] BAD_UTF8 = {
        {(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}};
    private static final String[] HUGE = {"1e400", "-1e400", "1E+400", "9.99e999999"};
    private static final String[] TINY = {"1e-400", "-1e-400", "4.9e-325"};
    private static final String[] LONG_DIGITS = {"12345678901234567890.123456789",
        "1234567890123456789012345678901234567890", "-9876543210987654321098765432109876543210.0000000001",
        "0.1234567890123456789012345678901234567890"};
    private static final String[] NON_NUMBERS = {"NaN", "Infinity", "-Infinity", "1,5", "0x1F", "\u0661\u0662\u0663", "1e", "--1", "1.2.3"};
    private static final String[] OUT_OF_RANGE = {"+300000-01-01T00:00:00Z", "9300000000000000", "-300000-01-01T00:00:00Z",
        "+294277-01-01T00:00:00Z", "-4714-06-01T00:00:00Z", "-9300000000000000"};
    private static final String[] GARBAGE = {"yesterday", "2026-13-45T99:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T24:00:01Z",
        "0000-00-00 00:00:00"};

    enum Verdict {
        /** must be stored, equal to {@link Expect#value} */
        VALID,
        /** the record must be rejected */
        INVALID,
        /** stored equal to the value, or the record rejected */
        EITHER,
        /** the oracle cannot tell what the text means: not checked */
        UNCHECKED
    }

    /**
     * @param value      String (text), BigDecimal (numbers), Instant (timestamps), Boolean, LocalDate or null (no value)
     * @param exactScale numbers only: the stored scale must be the written one (plain decimals)
     */
    record Expect(Verdict verdict, Object value, boolean exactScale) {
        static Expect valid(Object v) {
            return new Expect(Verdict.VALID, v, v instanceof BigDecimal);
        }

        static Expect either(Object v) {
            return new Expect(Verdict.EITHER, v, false);
        }

        static final Expect INVALID = new Expect(Verdict.INVALID, null, false);
        static final Expect UNCHECKED = new Expect(Verdict.UNCHECKED, null, false);
    }

    /**
     * One field as written.
     *
     * @param jsonNumber   JSON formats: written as a bare number (the text is a JSON number)
     * @param rawNulInJson JSON formats: the NUL is written as a raw byte, not escaped
     * @param invalidBytes the bytes written for {@link #NOT_UTF8} (null when the text has none)
     */
    record Rendered(Field field, Hostile hostile, String text, Expect expect, boolean jsonNumber, boolean rawNulInJson,
                    byte[] invalidBytes) {
    }

    /**
     * Classes left out (rendered {@link Hostile#PLAIN}), from the system property
     * {@code inlet.fuzz.without} (comma-separated names): a long run can look past known defects.
     */
    static final Set<Hostile> WITHOUT = without(System.getProperty("inlet.fuzz.without", ""));

    private FieldRendering() {
    }

    private static Set<Hostile> without(String names) {
        Set<Hostile> out = EnumSet.noneOf(Hostile.class);
        for (String n : names.split(",")) if (!n.isBlank()) out.add(Hostile.valueOf(n.strip()));
        return out;
    }

    static Rendered render(FuzzCase.Value v, Field field, FuzzFeeds.IdKind idKind, List<String> earlierIds) {
        String arg = v.arg();
        int seed = arg.hashCode() & 0x7fffffff;
        Hostile h = v.hostile();
        if (WITHOUT.contains(h)) h = Hostile.PLAIN;
        if (h == Hostile.DUPLICATE_ID && (field != Field.ID || earlierIds.isEmpty())) h = Hostile.PLAIN;
        byte[] invalid = null;
        String text = switch (h) {
            case PLAIN -> plain(field, arg, seed);
            case EMPTY -> "";
            case NUL_RAW, NUL_ESCAPED -> "a\u0000" + alnum(arg);
            case LONE_SURROGATE -> "a" + ((seed & 1) == 0 ? '\uD800' : '\uDC00') + alnum(arg);
            case INVALID_UTF8 -> {
                invalid = BAD_UTF8[seed % BAD_UTF8.length];
                yield "a" + NOT_UTF8 + alnum(arg);
            }
            case CONTROL -> "a\u0001\u001b[31m\u007f\t\u0085" + alnum(arg);
            case CSV_SPECIAL -> "a,\"b\"\n;c\r\nd|e\t'" + alnum(arg) + "\"";
            case BOM -> "\uFEFF" + plain(field, arg, seed);
            case LONG_3000 -> letters(seed, 3000);
            case UNICODE -> "\u00e9e\u0301\uD83D\uDE00\u4e2d" + alnum(arg);
            case PADDED -> " " + plain(field, arg, seed) + " ";
            case FREE_TEXT -> arg;
            case NUMBER_HUGE -> HUGE[seed % HUGE.length];
            case NUMBER_TINY -> TINY[seed % TINY.length];
            case NUMBER_LONG_DIGITS -> LONG_DIGITS[seed % LONG_DIGITS.length];
            case NUMBER_NON -> NON_NUMBERS[seed % NON_NUMBERS.length];
            case TIME_OUT_OF_RANGE -> OUT_OF_RANGE[seed % OUT_OF_RANGE.length];
            case TIME_NANOS -> base(seed).plusNanos(1 + (seed % 999)).toString();
            case TIME_OFFSET -> OffsetDateTime.ofInstant(base(seed), (seed & 1) == 0 ? ZoneOffset.ofHoursMinutes(5, 30)
                    : ZoneOffset.ofHours(-8)).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            case TIME_EPOCH -> Long.toString(base(seed).toEpochMilli());
            case TIME_GARBAGE -> GARBAGE[seed % GARBAGE.length];
            case DUPLICATE_ID -> earlierIds.get(seed % earlierIds.size());
        };
        if (text.indexOf(NOT_UTF8) >= 0 && invalid == null) invalid = BAD_UTF8[seed % BAD_UTF8.length];
        boolean jsonNumber = v.jsonNumber() && (field.kind == Field.Kind.BOOLEAN ? text.equals("true") || text.equals("false")
                : field.kind != Field.Kind.TEXT && field.kind != Field.Kind.DATE && JSON_NUMBER.matcher(text).matches());
        return new Rendered(field, h, text, expect(field, idKind, text, h), jsonNumber, h == Hostile.NUL_RAW, invalid);
    }

    /** What the promise allows for {@code text} in {@code field}, from the text itself (and its class where the text alone is ambiguous). */
    static Expect expect(Field field, FuzzFeeds.IdKind idKind, String text, Hostile h) {
        if (unstorable(text)) return Expect.INVALID;
        return switch (field.kind) {
            case TEXT -> text(field, idKind, text);
            case DECIMAL -> number(text, false);
            case INTEGER -> number(text, true);
            case TIME -> time(field, text, h);
            case BOOLEAN -> bool(text);
            case DATE -> date(text);
        };
    }

    private static Expect bool(String text) {
        if (text.isBlank()) return Expect.either(null);
        String t = text.strip().toLowerCase(Locale.ROOT);
        Boolean value = switch (t) {
            case "true", "yes", "y", "1" -> Boolean.TRUE;
            case "false", "no", "n", "0" -> Boolean.FALSE;
            default -> null;
        };
        if (value == null) return Expect.INVALID;
        return text.equals(text.strip()) && text.equals(t) ? Expect.valid(value) : Expect.either(value);
    }

    private static Expect date(String text) {
        if (text.isBlank()) return Expect.either(null);
        try {
            LocalDate d = LocalDate.parse(text.strip(), DateTimeFormatter.ISO_LOCAL_DATE);
            return text.equals(text.strip()) ? Expect.valid(d) : Expect.either(d);
        } catch (DateTimeException e) {
            return Expect.INVALID;
        }
    }

    /** NUL, an unpaired surrogate or bytes that are not UTF-8: no PostgreSQL text or jsonb holds it. */
    static boolean unstorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || c == NOT_UTF8) return true;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return true;
            }
            if (Character.isLowSurrogate(c)) return true;
        }
        return false;
    }

    private static Expect text(Field field, FuzzFeeds.IdKind idKind, String text) {
        int utf8 = text.getBytes(StandardCharsets.UTF_8).length;
        return switch (field) {
            case ID -> idKind == FuzzFeeds.IdKind.COLUMN && text.isBlank() ? Expect.INVALID : Expect.valid(text);
            case TYPE -> text.isBlank() ? Expect.INVALID : utf8 > 2000 ? Expect.either(text) : Expect.valid(text);
            case STREAM -> text.isEmpty() ? Expect.INVALID : utf8 > 2000 ? Expect.either(text) : Expect.valid(text);
            default -> text.isEmpty() ? Expect.either("") : Expect.valid(text);
        };
    }

    private static Expect number(String text, boolean integer) {
        if (text.isBlank()) return Expect.either(null);
        String t = text.strip();
        boolean padded = !t.equals(text);
        if ((integer ? PLAIN_INTEGER : PLAIN_DECIMAL).matcher(t).matches()) {
            BigDecimal value = new BigDecimal(t.startsWith("+") ? t.substring(1) : t);
            return padded ? Expect.either(value) : Expect.valid(value);
        }
        if (ASCII_NUMBER.matcher(t).matches()) {
            try {
                return Expect.either(new BigDecimal(t));
            } catch (NumberFormatException | ArithmeticException e) {
                return Expect.UNCHECKED; // an exponent beyond BigDecimal: nothing to compare with
            }
        }
        return Expect.INVALID;
    }

    private static Expect time(Field field, String text, Hostile h) {
        boolean at = field == Field.AT;
        if (text.isBlank()) return at ? Expect.INVALID : Expect.either(null);
        if (!TIME_CHARS.matcher(text).matches() || text.chars().noneMatch(Character::isDigit)) return Expect.INVALID;
        Instant instant = parse(text.strip());
        if (instant == null) {
            return h == Hostile.TIME_GARBAGE || h == Hostile.NUMBER_NON ? Expect.INVALID : Expect.UNCHECKED;
        }
        boolean inPg = !instant.isBefore(PG_MIN) && !instant.isAfter(PG_MAX);
        if (at && !inPg) return Expect.INVALID;
        boolean plainClass = h == Hostile.PLAIN || h == Hostile.TIME_OFFSET || h == Hostile.TIME_EPOCH
                || (h == Hostile.TIME_NANOS && !at);
        return plainClass && text.equals(text.strip()) ? Expect.valid(instant) : Expect.either(instant);
    }

    /** An ISO instant or offset date-time, or epoch milliseconds; null otherwise. */
    static Instant parse(String t) {
        try {
            if (PLAIN_INTEGER.matcher(t).matches()) return Instant.ofEpochMilli(Long.parseLong(t));
        } catch (NumberFormatException | DateTimeException e) {
            return null;
        }
        try {
            return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeException e) {
            try {
                return Instant.parse(t);
            } catch (DateTimeException e2) {
                return null;
            }
        }
    }

    private static String plain(Field field, String arg, int seed) {
        return switch (field.kind) {
            case TEXT -> "v" + alnum(arg);
            case DECIMAL -> ((seed & 1) == 0 ? "" : "-") + (seed % 100000) + "." + String.format("%02d", (seed / 100000) % 100);
            case INTEGER -> Integer.toString(seed % 1_000_000 - 500_000);
            case TIME -> base(seed).toString();
            case BOOLEAN -> BOOLEANS[seed % BOOLEANS.length];
            case DATE -> LocalDate.ofInstant(base(seed), ZoneOffset.UTC).toString();
        };
    }

    private static final String[] BOOLEANS = {"true", "false", "yes", "no", "y", "n", "1", "0"};

    private static Instant base(int seed) {
        return Instant.parse("2000-01-01T00:00:00Z").plusSeconds(seed % (150L * 365 * 86400));
    }

    private static String alnum(String arg) {
        StringBuilder sb = new StringBuilder();
        for (char c : arg.toCharArray()) {
            if (sb.length() >= 20) break;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) sb.append(c);
        }
        return sb.length() == 0 ? "x" : sb.toString();
    }

    private static String letters(int seed, int n) {
        StringBuilder sb = new StringBuilder(n);
        long x = seed | 1L;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            sb.append((char) ('a' + Math.floorMod(x, 26)));
        }
        return sb.toString();
    }
}
