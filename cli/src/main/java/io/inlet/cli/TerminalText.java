package io.inlet.cli;

/**
 * Vendor text made safe for a terminal: every character that could move the cursor, recolour,
 * retitle, reorder or hide what follows is written as a visible escape instead. C0 controls, ESC,
 * DEL and C1 controls become backslash-x escapes (ESC as backslash, x, 1b; newline, return and tab
 * by their short names); bidirectional overrides and other invisible format characters, line and
 * paragraph separators and lone surrogates become backslash-u escapes (U+202E as backslash, u,
 * 202e); a backslash is doubled, so what is printed reads back to one exact text.
 */
final class TerminalText {

    private TerminalText() {
    }

    static String escape(String text) {
        if (text == null) return null;
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escaped = escaped(text, i, c);
            if (escaped == null) {
                if (out != null) out.append(c);
                continue;
            }
            if (out == null) out = new StringBuilder(text.length() + 16).append(text, 0, i);
            out.append(escaped);
        }
        return out == null ? text : out.toString();
    }

    private static String escaped(String text, int i, char c) {
        switch (c) {
            case '\\': return "\\\\";
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            default: break;
        }
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return String.format("\\x%02x", (int) c);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1)) ? null : unicode(c);
        }
        if (Character.isLowSurrogate(c)) return i > 0 && Character.isHighSurrogate(text.charAt(i - 1)) ? null : unicode(c);
        int type = Character.getType(c);
        if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) return unicode(c);
        return null;
    }

    private static String unicode(char c) {
        return String.format("\\u%04x", (int) c);
    }
}
