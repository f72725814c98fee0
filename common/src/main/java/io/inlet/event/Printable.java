package io.inlet.event;

/**
 * A value someone else chose (an attribute, an extension) made safe to quote in a reason, a log line
 * or an error: control characters (NUL included, which PostgreSQL text refuses) and lone surrogates
 * written as a backslash, {@code u} and four hex digits, and a long value cut, saying how long it was.
 */
public final class Printable {

    private Printable() {
    }

    /** {@code value} escaped, at most {@code max} characters of it kept. */
    public static String of(String value, int max) {
        if (value == null) return "null";
        StringBuilder out = new StringBuilder(Math.min(value.length(), max) + 16);
        int end = Math.min(value.length(), max);
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            boolean pairedSurrogate = Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(value.charAt(i + 1))
                    || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
            if (Character.isISOControl(c) || Character.isSurrogate(c) && !pairedSurrogate) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (value.length() > max) out.append("... (").append(value.length()).append(" characters)");
        return out.toString();
    }
}
