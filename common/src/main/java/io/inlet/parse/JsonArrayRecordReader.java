package io.inlet.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.CharConversionException;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;

/**
 * A top-level JSON array of objects, streamed element by element with Jackson's streaming parser.
 *
 * <p>Each element is first skipped structurally (which never materialises it), so its extent is
 * known before anything is buffered; only an element within the size cap is then parsed into a
 * tree from its captured bytes. When the array breaks (truncated file, garbage between elements)
 * the rest cannot be parsed: one malformed item covers it and the reader ends.
 *
 * <p>A resumed read feeds the parser a synthetic {@code [} followed by the bytes from the resume
 * point, which is always the first byte of an element (or of whatever follows the last good one).
 */
final class JsonArrayRecordReader implements RecordReader {

    // The reader closes its stream itself: Jackson must not close it at the end of input, where a
    // broken tail still has to be read for its raw text.
    private static final int LOOKAHEAD = 256;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .build();

    private final JsonParser parser;
    private final CapturingStream capture;
    private final TextEncoding encoding;
    private final int maxRecordBytes;
    private final String fileName;
    private final Closeable stream;
    /** Absolute offset of the parser's offset 0, and the line before the parser's line 1. */
    private final long base;
    private final long lineBase;

    private long nextRecordNumber;
    private ResumePoint checkpoint;
    private JsonToken peeked;
    private Exception broken;
    private boolean ended;

    private JsonArrayRecordReader(JsonParser parser, CapturingStream capture, TextEncoding encoding, int maxRecordBytes,
                                  String fileName, Closeable stream, long base, long lineBase, ResumePoint from) {
        this.parser = parser;
        this.capture = capture;
        this.encoding = encoding;
        this.maxRecordBytes = maxRecordBytes;
        this.fileName = fileName;
        this.stream = stream;
        this.base = base;
        this.lineBase = lineBase;
        this.nextRecordNumber = from.nextRecordNumber();
        this.checkpoint = from;
    }

    /**
     * Opens the array at {@code in}, positioned at {@code from.byteOffset()} (just past the BOM at
     * the start of the file).
     */
    static JsonArrayRecordReader open(InputStream in, TextEncoding encoding, int maxRecordBytes, String fileName,
                                      ResumePoint from, boolean resumed, Closeable stream) throws IOException {
        PushbackInputStream source = new PushbackInputStream(in, LOOKAHEAD);
        byte[] ahead = source.readNBytes(LOOKAHEAD);
        source.unread(ahead);
        int first = ahead.length == 0 ? -1 : firstNonBlank(ahead, encoding);
        // A checkpoint is an element's first byte, or (when the array broke after an element) the
        // byte after it: then a stand-in element makes the parser see what the full read saw.
        boolean afterElement = resumed && first >= 0 && "{[\"-0123456789tfn]".indexOf(first) < 0;
        CapturingStream capture = new CapturingStream(source, from.byteOffset(), maxRecordBytes);
        byte[] prefix = resumed ? encoding.encode(afterElement ? "[null" : "[") : new byte[0];
        // SequenceInputStream closes a part it has read to the end; a broken tail is read afterwards
        InputStream unclosed = new FilterInputStream(capture) {
            @Override
            public void close() {
                // closed with the reader
            }
        };
        InputStream parsed = new SequenceInputStream(new ByteArrayInputStream(prefix), unclosed);
        JsonParser parser;
        try {
            parser = encoding.charset().equals(StandardCharsets.UTF_8)
                    ? FACTORY.createParser(parsed)
                    : FACTORY.createParser(new InputStreamReader(parsed, encoding.charset()));
        } catch (CharConversionException e) {
            // Jackson sniffs the encoding of a byte source; bytes that look like UCS-4 are not our UTF-8
            throw new FileFormatException(fileName + ": not a JSON array in UTF-8: " + e.getMessage(), e);
        }
        JsonArrayRecordReader reader = new JsonArrayRecordReader(parser, capture, encoding, maxRecordBytes, fileName,
                stream, from.byteOffset() - prefix.length, from.nextLineNumber() - 1, from);
        if (resumed && ahead.length == 0) {
            // resumed at the very end (after the last element or a broken tail): nothing is left
            reader.ended = true;
        } else {
            reader.start(resumed, afterElement);
        }
        return reader;
    }

    private void start(boolean resumed, boolean standIn) throws IOException {
        JsonToken first;
        try {
            first = parser.nextToken();
        } catch (JsonProcessingException | CharConversionException e) {
            if (resumed) throw e;
            throw new FileFormatException(fileName + ": not a JSON array: " + message(e), e);
        }
        if (first == null) { // an empty file holds no records
            ended = true;
            return;
        }
        if (first != JsonToken.START_ARRAY) {
            throw new FileFormatException(fileName + ": expected a JSON array but found "
                    + describe(first) + " at line " + line(parser.currentTokenLocation()));
        }
        if (standIn) parser.nextToken(); // the stand-in null
        peek();
    }

    /** Moves to the next element's first token so the checkpoint names its exact start. */
    private void peek() throws IOException {
        try {
            peeked = parser.nextToken();
        } catch (JsonProcessingException | CharConversionException e) {
            // Cut off right after a complete element: nothing is left to report as a broken tail
            // (and a resumed read at this offset must find nothing either).
            if (capture.position() == checkpoint.byteOffset()) {
                ended = true;
                return;
            }
            broken = e;
            return;
        }
        if (peeked == null) {
            broken = new JsonProcessingException("end of file before the closing ']'") { };
            return;
        }
        JsonLocation at = parser.currentTokenLocation();
        checkpoint = new ResumePoint(nextRecordNumber, line(at), offset(at));
        if (peeked == JsonToken.END_ARRAY) ended = true;
    }

    @Override
    public ReadItem next() throws IOException {
        if (broken != null) return brokenTail();
        if (ended) return null;
        long start = checkpoint.byteOffset();
        long line = checkpoint.nextLineNumber();
        capture.startCapture(start);
        JsonToken first = peeked;
        try {
            if (first.isScalarValue()) {
                parser.finishToken();
            } else {
                parser.skipChildren();
            }
        } catch (JsonProcessingException | CharConversionException e) {
            broken = e;
            return brokenTail();
        }
        long end = offset(parser.currentLocation());
        RecordPosition position = new RecordPosition(nextRecordNumber++, line, start, end);
        // where to resume if the next element cannot even be started
        checkpoint = new ResumePoint(nextRecordNumber, line(parser.currentLocation()), end);
        ReadItem item = item(position, first, capture.captured(end));
        peek();
        return item;
    }

    private ReadItem item(RecordPosition position, JsonToken first, byte[] bytes) {
        long length = position.endOffset() - position.startOffset();
        if (length > maxRecordBytes) {
            return new MalformedRecord(position, RecordItems.prefix(encoding, bytes), RecordItems.exceeds(maxRecordBytes));
        }
        TextEncoding.Decoded decoded = encoding.decode(bytes, 0, bytes.length, position.startOffset());
        if (decoded.error() != null) return new MalformedRecord(position, decoded.text(), decoded.error());
        if (first != JsonToken.START_OBJECT) {
            return new MalformedRecord(position, decoded.text(), "array element is " + describe(first) + ", not an object");
        }
        try {
            JsonNode node = JsonLinesRecordReader.MAPPER.readTree(decoded.text());
            return new RawRecord(position, (ObjectNode) node, decoded.text());
        } catch (JsonProcessingException e) {
            return new MalformedRecord(position, decoded.text(), "invalid JSON: " + e.getOriginalMessage());
        } catch (NumberFormatException e) {
            return new MalformedRecord(position, decoded.text(), "invalid JSON number: " + e.getMessage());
        }
    }

    /** One malformed item from the checkpoint to the end of the file; then the reader ends. */
    private ReadItem brokenTail() throws IOException {
        Exception cause = broken;
        broken = null;
        ended = true;
        long start = checkpoint.byteOffset();
        capture.startCapture(start);
        capture.drain();
        long end = capture.position();
        RecordPosition position = new RecordPosition(nextRecordNumber++, checkpoint.nextLineNumber(), start, end);
        checkpoint = new ResumePoint(nextRecordNumber, checkpoint.nextLineNumber(), end);
        byte[] bytes = capture.captured(end);
        int usable = bytes.length - bytes.length % encoding.unitSize();
        String reason = "truncated or invalid JSON array, the rest of the file cannot be read: " + message(cause);
        if (end - start > maxRecordBytes) reason += " (" + RecordItems.exceeds(maxRecordBytes) + ")";
        return new MalformedRecord(position, encoding.decodeLenient(bytes, 0, usable), reason);
    }

    /** The first character that is not JSON whitespace among the bytes, or ' ' if all are. */
    private static int firstNonBlank(byte[] bytes, TextEncoding encoding) {
        int unit = encoding.unitSize();
        for (int i = 0; i + unit <= bytes.length; i += unit) {
            int c = unit == 1 ? bytes[i] & 0xff
                    : encoding.bigEndian() ? (bytes[i] & 0xff) << 8 | bytes[i + 1] & 0xff
                    : (bytes[i + 1] & 0xff) << 8 | bytes[i] & 0xff;
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return c;
        }
        return ' ';
    }

    private long offset(JsonLocation location) {
        long offset = location.getByteOffset() >= 0
                ? location.getByteOffset()
                : location.getCharOffset() * encoding.unitSize();
        return base + offset;
    }

    private long line(JsonLocation location) {
        return lineBase + location.getLineNr();
    }

    private static String message(Exception e) {
        String message = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

    @Override
    public ResumePoint checkpoint() {
        return checkpoint;
    }

    @Override
    public void close() throws IOException {
        try {
            parser.close();
        } finally {
            stream.close();
        }
    }
}
