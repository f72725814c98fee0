package io.inlet.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every sample vendor file reads exactly as events-samples/files/expected.json says. */
class SampleFilesTest {

    static Stream<Arguments> samples() throws IOException {
        JsonNode files = new ObjectMapper().readTree(Reading.sample("expected.json").toFile()).get("files");
        List<Arguments> cases = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : files.properties()) {
            cases.add(Arguments.of(entry.getKey(), entry.getValue()));
        }
        return cases.stream();
    }

    static FormatSpec specOf(JsonNode expected) {
        RecordFormat format = switch (expected.get("kind").asText()) {
            case "CSV" -> RecordFormats.CSV;
            case "JSON_LINES" -> RecordFormats.JSON_LINES;
            case "JSON_ARRAY" -> RecordFormats.JSON_ARRAY;
            default -> throw new IllegalArgumentException("unknown kind in expected.json: " + expected.get("kind"));
        };
        String charset = expected.get("charset").asText();
        if (format == RecordFormats.CSV) return Reading.csv(expected.get("delimiter").asText().charAt(0), charset);
        return new FormatSpec(format, FormatSpec.Compression.AUTO, charset, null, FormatSpec.DEFAULT_MAX_RECORD_BYTES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void sampleYieldsTheExpectedRecordsAndMalformedLines(String file, JsonNode expected) throws IOException {
        List<ReadItem> items = Reading.readAll(specOf(expected), file, Reading.opener(Reading.sample(file)));

        assertThat(items).hasSize(expected.get("records").asInt());
        for (int i = 0; i < items.size(); i++) {
            assertThat(items.get(i).position().recordNumber()).isEqualTo(i + 1);
        }
        List<String> malformed = items.stream().filter(MalformedRecord.class::isInstance)
                .map(item -> item.position().recordNumber() + "@" + item.position().lineNumber()).toList();
        List<String> expectedMalformed = new ArrayList<>();
        for (JsonNode m : expected.get("malformed")) {
            expectedMalformed.add(m.get("record").asInt() + "@" + m.get("line").asInt());
            MalformedRecord item = (MalformedRecord) items.get(m.get("record").asInt() - 1);
            assertThat(item.reason()).contains(m.get("reason").asText());
        }
        assertThat(malformed).isEqualTo(expectedMalformed);
        if (expected.has("lines")) {
            List<Long> lines = new ArrayList<>();
            expected.get("lines").forEach(n -> lines.add(n.asLong()));
            assertThat(items.stream().map(item -> item.position().lineNumber()).toList()).isEqualTo(lines);
        }
        if (expected.has("spotCheck")) {
            JsonNode check = expected.get("spotCheck");
            RawRecord record = (RawRecord) items.get(check.get("record").asInt() - 1);
            assertThat(record.fields().get(check.get("field").asText()).asText()).isEqualTo(check.get("value").asText());
        }
        for (JsonNode bad : expected.path("badValuesForMapper")) {
            RawRecord record = (RawRecord) items.get(bad.get("record").asInt() - 1);
            assertThat(record.position().lineNumber()).isEqualTo(bad.get("line").asLong());
            assertThat(record.fields().get(bad.get("field").asText()).asText()).isEqualTo(bad.get("value").asText());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void offsetsFrameEachRecordsRawTextInTheDecompressedBytes(String file, JsonNode expected) throws IOException {
        FormatSpec spec = specOf(expected);
        List<ReadItem> items = Reading.readAll(spec, file, Reading.opener(Reading.sample(file)));
        byte[] content = decompressed(Reading.sample(file));
        Charset charset = spec.charset().equals("auto") ? StandardCharsets.UTF_8 : Charset.forName(spec.charset());

        for (ReadItem item : items) {
            RecordPosition p = item.position();
            String framed = new String(Arrays.copyOfRange(content, (int) p.startOffset(), (int) p.endOffset()), charset);
            assertThat(framed).as("record %d", p.recordNumber()).startsWith(item.rawText());
            assertThat(framed.substring(item.rawText().length())).as("terminator of record %d", p.recordNumber())
                    .isIn("", "\n", "\r\n");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void resumingAtEveryCheckpointYieldsTheRestOfAFullRead(String file, JsonNode expected) throws IOException {
        FormatSpec spec = specOf(expected);
        StreamOpener opener = Reading.opener(Reading.sample(file));
        ResumeEquivalence.assertEveryResumeMatchesFullRead(spec, file, opener);
    }

    private static byte[] decompressed(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        if (raw.length > 1 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                return in.readAllBytes();
            }
        }
        return raw;
    }
}
