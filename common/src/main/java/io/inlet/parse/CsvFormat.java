package io.inlet.parse;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code csv}: records framed by line breaks outside quotes, split by the feed's dialect. Differs
 * from the other text formats in its options and in reading the header from the file's start
 * before moving to a resume offset.
 */
final class CsvFormat extends TextFormat {

    private static final Set<String> KEYS = Set.of("delimiter", "quote", "escape", "header", "columns", "trim",
            "skip_empty_lines");

    CsvFormat() {
        super("csv");
    }

    @Override
    Set<String> ownKeys() {
        return KEYS;
    }

    @Override
    public FormatSettings defaultSettings() {
        return CsvOptions.DEFAULTS;
    }

    @Override
    FormatSettings settings(FormatOptions options) {
        char delimiter = oneChar(options, "delimiter", ',');
        char quote = oneChar(options, "quote", '"');
        Character escape = options.has("escape") ? oneChar(options, "escape", '\\') : null;
        if (delimiter == quote) throw options.error("quote", "must differ from the delimiter");
        if (escape != null && escape == delimiter) throw options.error("escape", "must differ from the delimiter");
        boolean header = options.bool("header", true);
        List<String> columns = options.texts("columns");
        Set<String> unique = new HashSet<>();
        for (int i = 0; i < columns.size(); i++) {
            String c = columns.get(i);
            if (c.isBlank()) throw options.error("columns", i, "column name is empty");
            if (!unique.add(c)) throw options.error("columns", i, "duplicate column '" + c + "'");
        }
        if (!header && columns.isEmpty()) throw options.error("columns", "is required when header is false");
        boolean trim = options.bool("trim", false);
        boolean skipEmpty = options.bool("skip_empty_lines", true);
        return new CsvOptions(delimiter, quote, escape, header, columns, trim, skipEmpty);
    }

    private static char oneChar(FormatOptions options, String key, char fallback) {
        if (!options.has(key)) return fallback;
        String s = options.text(key, null);
        if (s.length() != 1) throw options.error(key, "expected exactly one character, found '" + s + "'");
        char c = s.charAt(0);
        if (c == '\n' || c == '\r') throw options.error(key, "must not be a line break");
        return c;
    }

    @Override
    RecordReader read(TextInput input, ResumePoint at) throws IOException {
        CsvOptions options = input.spec().csv();
        CsvDialect dialect = new CsvDialect(options);
        TextEncoding encoding = input.encoding();
        int max = input.spec().maxRecordBytes();
        RecordFramer framer = input.framer(input.head(), RecordFramer.Mode.CSV, encoding.bomLength(), 1);
        List<String> columns = CsvRecordReader.columns(framer, options, dialect, encoding, max, input.fileName());
        Closeable stream = input.head();
        if (!at.isStart()) {
            if (input.compressed()) {
                framer.skipTo(at.byteOffset(), at.nextLineNumber(), input.fileName());
            } else {
                if (at.byteOffset() < framer.position()) {
                    throw new IllegalArgumentException(input.fileName() + ": resume offset " + at.byteOffset()
                            + " lies before the first record (offset " + framer.position() + ")");
                }
                InputStream ranged = input.reopenAt(at.byteOffset());
                stream = ranged;
                framer = input.framer(ranged, RecordFramer.Mode.CSV, at.byteOffset(), at.nextLineNumber());
            }
        }
        return new CsvRecordReader(framer, options, dialect, encoding, columns, max, at.nextRecordNumber(), stream);
    }
}
