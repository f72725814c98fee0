package io.inlet.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.util.Locale;

/**
 * JSON Lines: one JSON object per line. Blank lines are skipped; a line that is not valid JSON, or
 * valid JSON but not an object, is a malformed record and reading goes on with the next line.
 */
final class JsonLinesRecordReader extends TextRecordReader {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // numbers exactly as written: 1e400 is not Infinity, 0.1 is not 0.1000000000000000055...
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(RecordItems.NODES)
            .build();

    private final RecordFramer framer;
    private final TextEncoding encoding;
    private final int maxRecordBytes;
    private long nextRecordNumber;

    JsonLinesRecordReader(RecordFramer framer, TextEncoding encoding, int maxRecordBytes, long nextRecordNumber,
                          Closeable stream) {
        super(stream, new ResumePoint(nextRecordNumber, framer.line(), framer.position()));
        this.framer = framer;
        this.encoding = encoding;
        this.maxRecordBytes = maxRecordBytes;
        this.nextRecordNumber = nextRecordNumber;
    }

    @Override
    public ReadItem next() throws IOException {
        while (true) {
            RecordFramer.Frame frame = framer.next();
            if (frame == null) return null;
            TextEncoding.Decoded decoded = frame.oversized() ? null
                    : encoding.decode(frame.content(), 0, frame.content().length, frame.startOffset());
            if (decoded != null && decoded.error() == null && decoded.text().isBlank()) continue;
            RecordPosition position = new RecordPosition(nextRecordNumber++, frame.startLine(),
                    frame.startOffset(), frame.endOffset());
            checkpointAt(new ResumePoint(nextRecordNumber, framer.line(), framer.position()));
            if (decoded == null) {
                return new MalformedRecord(position, RecordItems.prefix(encoding, frame.content()),
                        RecordItems.exceeds(maxRecordBytes));
            }
            if (decoded.error() != null) return new MalformedRecord(position, decoded.text(), decoded.error());
            return parse(position, decoded.text());
        }
    }

    private static ReadItem parse(RecordPosition position, String text) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return new MalformedRecord(position, text, "invalid JSON: " + e.getOriginalMessage());
        } catch (NumberFormatException e) {
            return new MalformedRecord(position, text, "invalid JSON number: " + e.getMessage());
        }
        if (!node.isObject()) {
            return new MalformedRecord(position, text, "line is a JSON " + kind(node) + ", not an object");
        }
        return new RawRecord(position, (ObjectNode) node, text);
    }

    static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
