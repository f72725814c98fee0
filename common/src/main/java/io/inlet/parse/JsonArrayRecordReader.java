package io.inlet.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * A top-level JSON array of objects, element by element: {@link JsonArrayScanner} cuts the
 * elements out of the bytes (never holding more than one element, up to the size cap), and Jackson
 * parses each element's decoded text strictly. An element Jackson cannot read (a raw control
 * character, bytes invalid in the charset, a syntax error inside it) is one malformed record and
 * reading goes on with the next element. Only what the scanner cannot bound (the end of the file
 * inside a string or an element, content after the closing {@code ]}) ends the reading with one
 * malformed item that covers the rest of the file.
 *
 * <p>The checkpoint after an item is the offset just past it; a resumed read starts a scanner
 * there, which continues exactly as the full read did.
 */
final class JsonArrayRecordReader extends TextRecordReader {

    private static final String BROKEN = "truncated or invalid JSON array, the rest of the file cannot be read: ";

    private final JsonArrayScanner scanner;
    private final TextEncoding encoding;
    private final int maxRecordBytes;
    private long nextRecordNumber;

    private JsonArrayRecordReader(JsonArrayScanner scanner, TextEncoding encoding, int maxRecordBytes,
                                  Closeable stream, ResumePoint from) {
        super(stream, from);
        this.scanner = scanner;
        this.encoding = encoding;
        this.maxRecordBytes = maxRecordBytes;
        this.nextRecordNumber = from.nextRecordNumber();
    }

    /**
     * Opens the array at {@code in}, positioned at {@code from.byteOffset()}: the start of the file
     * just past the BOM (then the {@code [} is looked for), or a checkpoint of an earlier reader.
     *
     * @throws FileFormatException when a file read from its start is not a JSON array
     */
    static JsonArrayRecordReader open(InputStream in, TextEncoding encoding, int maxRecordBytes, String fileName,
                                      ResumePoint from, boolean resumed, Closeable stream) throws IOException {
        // before the first record the checkpoint is the start of the file (after its BOM)
        boolean atStart = !resumed || from.nextRecordNumber() == 1 && from.byteOffset() == encoding.bomLength();
        JsonArrayScanner scanner = atStart
                ? JsonArrayScanner.atFileStart(in, encoding, maxRecordBytes, from.byteOffset(), fileName)
                : JsonArrayScanner.resumeAt(in, encoding, maxRecordBytes, from.byteOffset(), from.nextLineNumber());
        return new JsonArrayRecordReader(scanner, encoding, maxRecordBytes, stream, from);
    }

    @Override
    public ReadItem next() throws IOException {
        if (scanner == null) return null; // an empty file holds no records
        JsonArrayScanner.Frame frame = scanner.next();
        if (frame == null) return null;
        RecordPosition position = new RecordPosition(nextRecordNumber++, frame.line(), frame.startOffset(),
                frame.endOffset());
        checkpointAt(new ResumePoint(nextRecordNumber, scanner.resumeLine(), scanner.resumeOffset()));
        return switch (frame.kind()) {
            case ELEMENT -> element(position, frame);
            case BROKEN -> rest(position, frame, BROKEN + frame.problem());
            case AFTER_ARRAY -> rest(position, frame, BROKEN + frame.problem());
        };
    }

    private ReadItem element(RecordPosition position, JsonArrayScanner.Frame frame) {
        byte[] bytes = frame.content();
        if (frame.length() > maxRecordBytes) {
            return new MalformedRecord(position, RecordItems.prefix(encoding, bytes), RecordItems.exceeds(maxRecordBytes));
        }
        TextEncoding.Decoded decoded = encoding.decode(bytes, 0, bytes.length, position.startOffset());
        if (decoded.error() != null) return new MalformedRecord(position, decoded.text(), decoded.error());
        JsonNode node;
        try {
            node = JsonLinesRecordReader.MAPPER.readTree(decoded.text());
        } catch (JsonProcessingException e) {
            return new MalformedRecord(position, decoded.text(), "invalid JSON: " + e.getOriginalMessage());
        } catch (NumberFormatException e) {
            return new MalformedRecord(position, decoded.text(), "invalid JSON number: " + e.getMessage());
        }
        if (!node.isObject()) {
            return new MalformedRecord(position, decoded.text(), "array element is " + describe(node) + ", not an object");
        }
        return new RawRecord(position, (ObjectNode) node, decoded.text());
    }

    /** One malformed item for the rest of the file, which cannot be cut into elements. */
    private ReadItem rest(RecordPosition position, JsonArrayScanner.Frame frame, String reason) {
        byte[] bytes = frame.content();
        int usable = bytes.length - bytes.length % encoding.unitSize();
        if (frame.length() > maxRecordBytes) reason += " (" + RecordItems.exceeds(maxRecordBytes) + ")";
        return new MalformedRecord(position, encoding.decodeLenient(bytes, 0, usable), reason);
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING, BINARY -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> JsonLinesRecordReader.kind(node);
        };
    }
}
