package io.inlet.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonReadersTest {

    private static final FormatSpec ARRAY = FormatSpec.of(RecordFormats.JSON_ARRAY);
    private static final FormatSpec LINES = FormatSpec.of(RecordFormats.JSON_LINES);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void truncatedArrayYieldsOneMalformedTailAndEnds() throws IOException {
        byte[] bytes = utf8("[{\"a\":1},\n {\"a\":2},\n {\"a\":");

        List<ReadItem> items = Reading.readAll(ARRAY, bytes);

        assertThat(items).hasSize(3);
        assertThat(items.get(1).position()).isEqualTo(new RecordPosition(2, 2, 11, 18));
        MalformedRecord tail = (MalformedRecord) items.get(2);
        assertThat(tail.position()).isEqualTo(new RecordPosition(3, 3, 21, bytes.length));
        assertThat(tail.rawText()).isEqualTo("{\"a\":");
        assertThat(tail.reason()).startsWith("truncated or invalid JSON array, the rest of the file cannot be read: ");
        ResumeEquivalence.assertEveryResumeMatchesFullRead(ARRAY, "cut.json", Reading.opener(bytes));
    }

    @Test
    void arrayCutAfterACommaEndsWithAMalformedTail() throws IOException {
        byte[] bytes = utf8("[{\"a\":1},\n");

        List<ReadItem> items = Reading.readAll(ARRAY, bytes);

        assertThat(items).hasSize(2);
        assertThat(items.get(1).position()).isEqualTo(new RecordPosition(2, 1, 8, 10));
        assertThat(items.get(1).rawText()).isEqualTo(",\n");
        ResumeEquivalence.assertEveryResumeMatchesFullRead(ARRAY, "cut.json", Reading.opener(bytes));
    }

    @Test
    void arrayCutRightAfterAnElementReadsAsComplete() throws IOException {
        // like a JSON Lines file cut at a line end, a cut exactly at an element's end leaves no trace
        List<ReadItem> items = Reading.readAll(ARRAY, utf8("[{\"a\":1}"));

        assertThat(items).hasSize(1).allMatch(RawRecord.class::isInstance);
    }

    @Test
    void elementsThatAreNotObjectsAreMalformed() throws IOException {
        List<ReadItem> items = Reading.readAll(ARRAY, utf8("[{\"a\":1}, 2, \"x\", [1], null, {\"b\":2}]"));

        assertThat(items).extracting(item -> item instanceof MalformedRecord m ? m.reason() : "ok").containsExactly(
                "ok",
                "array element is a number, not an object",
                "array element is a string, not an object",
                "array element is an array, not an object",
                "array element is null, not an object",
                "ok");
        assertThat(items).extracting(ReadItem::rawText).containsExactly("{\"a\":1}", "2", "\"x\"", "[1]", "null", "{\"b\":2}");
    }

    @Test
    void checkpointAtAnElementsFirstByteFromTheEarlierReaderStillResumes() throws IOException {
        // the streaming reader before JsonArrayScanner checkpointed at the next element's first byte
        byte[] bytes = utf8("[{\"a\":1},\n{\"a\":2}, {\"a\":3}]");
        List<ReadItem> full = Reading.readAll(ARRAY, bytes);

        List<ReadItem> resumed = Reading.readFrom(ARRAY, "old.json", Reading.opener(bytes), new ResumePoint(2, 2, 10));

        assertThat(resumed).isEqualTo(full.subList(1, 3));
    }

    @Test
    void topLevelObjectIsNotAnArray() {
        assertThatThrownBy(() -> Reading.readAll(ARRAY, "umbrella/one.json", Reading.opener(utf8("\n{\"a\":1}"))))
                .isInstanceOf(FileFormatException.class)
                .hasMessage("umbrella/one.json: expected a JSON array but found an object at line 2");
    }

    @Test
    void emptyArrayAndEmptyFileHaveNoRecords() throws IOException {
        assertThat(Reading.readAll(ARRAY, utf8(" [ ] "))).isEmpty();
        assertThat(Reading.readAll(ARRAY, new byte[0])).isEmpty();
        assertThat(Reading.readAll(LINES, new byte[0])).isEmpty();
    }

    @Test
    void utf16ArrayWithBomHasByteOffsets() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe});
        out.writeBytes("[{\"a\":\"Zoë\"},\n{\"a\":\"b\"}]".getBytes(StandardCharsets.UTF_16LE));

        List<ReadItem> items = Reading.readAll(ARRAY, out.toByteArray());

        assertThat(items).extracting(ReadItem::position).containsExactly(
                new RecordPosition(1, 1, 4, 26), new RecordPosition(2, 2, 30, 48));
        assertThat(((RawRecord) items.get(0)).fields().get("a").asText()).isEqualTo("Zoë");
        ResumeEquivalence.assertEveryResumeMatchesFullRead(ARRAY, "utf16.json", Reading.opener(out.toByteArray()));
    }

    @Test
    void jsonLineWithTrailingContentIsMalformed() throws IOException {
        List<ReadItem> items = Reading.readAll(LINES, utf8("{\"a\":1} {\"b\":2}\n{\"c\":3}\r\n"));

        assertThat(items).hasSize(2);
        assertThat(((MalformedRecord) items.get(0)).reason()).startsWith("invalid JSON: ");
        assertThat(items.get(1).position()).isEqualTo(new RecordPosition(2, 2, 16, 25));
        assertThat(items.get(1).rawText()).isEqualTo("{\"c\":3}");
    }

    @Test
    void invalidUtf8InAJsonLineIsReportedWithItsByteOffset() throws IOException {
        byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, '"', '}', '\n', '{', '}', '\n'};

        List<ReadItem> items = Reading.readAll(LINES, bytes);

        assertThat(items).hasSize(2);
        assertThat(((MalformedRecord) items.get(0)).reason()).isEqualTo("invalid UTF-8 at byte 6");
        assertThat(items.get(1)).isInstanceOf(RawRecord.class);
    }
}
