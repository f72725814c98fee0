package io.inlet.bench;

/**
 * Builds the body of a {@code COPY ... FROM STDIN} in PostgreSQL's text format: tab-separated
 * columns, one row per line, {@code \N} for null, backslash escapes for the characters the format
 * reserves (backslash, tab, newline, carriage return).
 */
final class CopyText {

    private final StringBuilder out;
    private boolean rowStarted;

    CopyText(int expectedChars) {
        out = new StringBuilder(expectedChars);
    }

    CopyText column(String value) {
        if (rowStarted) out.append('\t');
        rowStarted = true;
        if (value == null) {
            out.append("\\N");
            return this;
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
        return this;
    }

    CopyText column(long value) {
        if (rowStarted) out.append('\t');
        rowStarted = true;
        out.append(value);
        return this;
    }

    CopyText endRow() {
        out.append('\n');
        rowStarted = false;
        return this;
    }

    byte[] utf8() {
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
