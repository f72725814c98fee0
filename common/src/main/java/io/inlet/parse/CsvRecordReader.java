package io.inlet.parse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CSV records: frames cut by {@link RecordFramer}, decoded strictly, split into fields by Commons
 * CSV and keyed by column name. Every field is a JSON string; typing is the mapper's job.
 */
final class CsvRecordReader extends TextRecordReader {

    private final RecordFramer framer;
    private final CsvOptions options;
    private final CsvDialect dialect;
    private final TextEncoding encoding;
    private final List<String> columns;
    private final int maxRecordBytes;
    private long nextRecordNumber;

    CsvRecordReader(RecordFramer framer, CsvOptions options, CsvDialect dialect, TextEncoding encoding,
                    List<String> columns, int maxRecordBytes, long nextRecordNumber, Closeable stream) {
        super(stream, new ResumePoint(nextRecordNumber, framer.line(), framer.position()));
        this.framer = framer;
        this.options = options;
        this.dialect = dialect;
        this.encoding = encoding;
        this.columns = columns;
        this.maxRecordBytes = maxRecordBytes;
        this.nextRecordNumber = nextRecordNumber;
    }

    /**
     * The file's columns: the header row (checked against the declared columns when both are given)
     * or the declared columns. An empty file has no header and yields an empty list.
     */
    static List<String> columns(RecordFramer framer, CsvOptions options, CsvDialect dialect, TextEncoding encoding,
                                int maxRecordBytes, String fileName) throws IOException {
        if (!options.header()) {
            if (options.columns().isEmpty()) {
                throw new FileFormatException(fileName + ": a CSV feed without a header row needs declared columns");
            }
            return options.columns();
        }
        RecordFramer.Frame frame;
        do {
            frame = framer.next();
            if (frame == null) return List.of();
        } while (options.skipEmptyLines() && frame.contentLength() == 0);
        String where = fileName + ": header row (line " + frame.startLine() + ")";
        if (frame.oversized()) throw new FileFormatException(where + " exceeds " + maxRecordBytes + " bytes");
        if (frame.unterminatedQuote()) throw new FileFormatException(where + " has an unterminated quoted field");
        TextEncoding.Decoded decoded = encoding.decode(frame.content(), 0, frame.content().length, frame.startOffset());
        if (decoded.error() != null) throw new FileFormatException(where + ": " + decoded.error());
        List<String> names;
        try {
            names = dialect.fields(decoded.text());
        } catch (CsvDialect.InvalidRow e) {
            throw new FileFormatException(where + ": " + e.getMessage());
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name.isBlank()) throw new FileFormatException(where + ": column " + (i + 1) + " has no name");
            Integer earlier = seen.putIfAbsent(name, i + 1);
            if (earlier != null) {
                throw new FileFormatException(where + ": column " + (i + 1) + " '" + name + "' repeats column " + earlier);
            }
        }
        List<String> declared = options.columns();
        if (!declared.isEmpty() && !declared.equals(names)) {
            for (int i = 0; i < Math.max(declared.size(), names.size()); i++) {
                String found = i < names.size() ? "'" + names.get(i) + "'" : "missing";
                String expected = i < declared.size() ? "'" + declared.get(i) + "'" : "no column";
                if (!found.equals(expected)) {
                    throw new FileFormatException(where + ": column " + (i + 1) + " is " + found
                            + " but the feed declares " + expected);
                }
            }
        }
        return names;
    }

    @Override
    public ReadItem next() throws IOException {
        while (true) {
            RecordFramer.Frame frame = framer.next();
            if (frame == null) return null;
            if (options.skipEmptyLines() && frame.contentLength() == 0) continue;
            RecordPosition position = new RecordPosition(nextRecordNumber++, frame.startLine(),
                    frame.startOffset(), frame.endOffset());
            checkpointAt(new ResumePoint(nextRecordNumber, framer.line(), framer.position()));
            return item(frame, position);
        }
    }

    private ReadItem item(RecordFramer.Frame frame, RecordPosition position) {
        if (frame.oversized()) {
            String reason = RecordItems.exceeds(maxRecordBytes)
                    + (frame.unterminatedQuote() ? " (an unterminated quoted field runs to the end of the file)" : "");
            return new MalformedRecord(position, RecordItems.prefix(encoding, frame.content()), reason);
        }
        TextEncoding.Decoded decoded = encoding.decode(frame.content(), 0, frame.content().length, frame.startOffset());
        String text = decoded.text();
        if (frame.unterminatedQuote()) {
            return new MalformedRecord(position, text, "unterminated quoted field: the file ends inside quotes");
        }
        if (decoded.error() != null) return new MalformedRecord(position, text, decoded.error());
        List<String> fields;
        try {
            fields = dialect.fields(text);
        } catch (CsvDialect.InvalidRow e) {
            return new MalformedRecord(position, text, e.getMessage());
        }
        if (fields.size() != columns.size()) {
            return new MalformedRecord(position, text,
                    "expected " + columns.size() + " fields, found " + fields.size());
        }
        ObjectNode node = RecordItems.NODES.objectNode();
        for (int i = 0; i < fields.size(); i++) node.put(columns.get(i), fields.get(i));
        return new RawRecord(position, node, text);
    }

    @Override
    public List<String> columns() {
        return columns;
    }
}
