package io.inlet.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Formats resolve by name; names are unique; a jar adds one by declaring it as a service. */
class RecordFormatsTest {

    @Test
    void theBuiltInFormatsResolveByTheNamesFeedsFilesUse() {
        RecordFormats formats = RecordFormats.standard();

        assertThat(formats.names()).containsExactly("csv", "json_array", "jsonl");
        assertThat(formats.find("csv")).containsSame(RecordFormats.CSV);
        assertThat(formats.find("jsonl")).containsSame(RecordFormats.JSON_LINES);
        assertThat(formats.find("json_array")).containsSame(RecordFormats.JSON_ARRAY);
        assertThat(formats.find("CSV")).isEmpty();
        assertThat(formats.find("parquet")).isEmpty();
    }

    @Test
    void aFormatAddedByNameResolvesBesideTheBuiltInOnes() {
        RecordFormats formats = RecordFormats.standard().with(new BlocksFormat());

        assertThat(formats.names()).containsExactly("csv", "json_array", "jsonl", "test_blocks");
        assertThat(formats.find("test_blocks")).get().isInstanceOf(BlocksFormat.class);
        assertThat(RecordFormats.standard().find("test_blocks")).as("the standard registry is unchanged").isEmpty();
    }

    @Test
    void twoFormatsOfOneNameAreRefusedWhenTheRegistryIsBuilt() {
        RecordFormat impostor = new Named("csv");

        assertThatThrownBy(() -> RecordFormats.standard().with(impostor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("two formats named 'csv': io.inlet.parse.CsvFormat and ");
        assertThatThrownBy(() -> RecordFormats.of(List.of(new BlocksFormat(), new BlocksFormat())))
                .hasMessageContaining("two formats named 'test_blocks'");
    }

    @Test
    void aFormatNameFeedsFilesCannotWriteIsRefused() {
        for (String bad : List.of("", "CSV", "1csv", "csv v2", "a".repeat(41))) {
            assertThatThrownBy(() -> RecordFormats.of(List.of(new Named(bad))))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid format name");
        }
    }

    @Test
    void aFormatDeclaredAsAServiceIsDiscovered(@TempDir Path dir) throws IOException {
        Path services = dir.resolve("META-INF/services/" + RecordFormat.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, "# a vendor's format jar\n" + BlocksFormat.class.getName() + "\n");

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            RecordFormats formats = RecordFormats.discover(loader);

            assertThat(formats.names()).containsExactly("csv", "json_array", "jsonl", "test_blocks");
        }
    }

    @Test
    void everyTextFormatTakesThePipelineOptionsAndOnlyCsvHasItsDialect() {
        for (RecordFormat f : RecordFormats.BUILT_IN) {
            assertThat(f.optionKeys()).as(f.name()).containsAll(TextFormat.PIPELINE_KEYS);
        }
        assertThat(RecordFormats.CSV.optionKeys()).contains("delimiter", "quote", "escape", "header", "columns");
        assertThat(RecordFormats.JSON_LINES.optionKeys()).isEqualTo(TextFormat.PIPELINE_KEYS);
        assertThat(RecordFormats.JSON_ARRAY.optionKeys()).isEqualTo(TextFormat.PIPELINE_KEYS);
    }

    @Test
    void theBinaryFormatResumesFromItsOwnTokenAfterEveryRecord() throws IOException {
        byte[] file = BlocksFormat.write(List.of(
                List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"),
                List.of("{\"n\":4}"),
                List.of(),
                List.of("{\"n\":5}", "[6]", "{\"n\":7}", "not json")));
        FormatSpec spec = FormatSpec.of(new BlocksFormat());
        List<ReadItem> full = Reading.readAll(spec, "f.blk", Reading.opener(file));
        assertThat(full).hasSize(8);
        assertThat(full.stream().filter(MalformedRecord.class::isInstance).map(i -> i.position().recordNumber()))
                .containsExactly(6L, 8L);

        Set<Long> blockOffsets = Set.of(4L, 4L + 2 + 3 * 11, 4L + 2 + 3 * 11 + 2 + 11, 4L + 2 + 3 * 11 + 2 + 11 + 2);
        List<ResumePoint> tokens = new ArrayList<>();
        for (int k = 0; k <= full.size(); k++) {
            ResumePoint token;
            try (RecordReader reader = RecordReaders.open(spec, "f.blk", Reading.opener(file), ResumePoint.START)) {
                for (int i = 0; i < k; i++) reader.next();
                token = reader.checkpoint();
            }
            tokens.add(token);
            assertThat(token.nextRecordNumber()).isEqualTo(k + 1);
            assertThat(Reading.readFrom(spec, "f.blk", Reading.opener(file), token))
                    .as("resumed at %s", token).isEqualTo(full.subList(k, full.size()));
        }
        // the token is the format's own: a block's offset and the index in it, not the record's offset
        assertThat(tokens.subList(0, 8)).allMatch(t -> blockOffsets.contains(t.byteOffset()));
        assertThat(tokens.get(2)).isEqualTo(new ResumePoint(3, 3, 4));
        assertThat(tokens.get(8)).isEqualTo(new ResumePoint(9, 1, file.length));
    }

    @Test
    void theBinaryFormatRefusesAFileWithoutItsMagicNamingTheFile() {
        FormatSpec spec = FormatSpec.of(new BlocksFormat());

        assertThatThrownBy(() -> Reading.readAll(spec, "orders.csv", Reading.opener("a,b\n1,2\n".getBytes())))
                .isInstanceOf(FileFormatException.class).hasMessage("orders.csv: not a test_blocks file (no BLK1 magic at offset 0)");
    }

    /** A format that only has a name: enough to test the registry's rules. */
    private record Named(String name) implements RecordFormat {
        @Override
        public Set<String> optionKeys() {
            return Set.of();
        }

        @Override
        public FormatSpec spec(FormatOptions options) {
            return FormatSpec.of(this);
        }

        @Override
        public RecordReader open(FormatSpec spec, String fileName, StreamOpener opener, ResumePoint from) {
            throw new UnsupportedOperationException();
        }
    }
}
