package io.inlet.parse;

import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Opening and draining readers in tests: over sample files on disk or bytes made in the test. */
final class Reading {

    /** The sample vendor files, relative to the module directory surefire runs in. */
    static final Path SAMPLES = Path.of("").toAbsolutePath().resolve("../events-samples/files").normalize();

    private Reading() {
    }

    static Path sample(String relative) {
        return SAMPLES.resolve(relative);
    }

    /** Opens a sample through the real local source, with ranged reads. */
    static StreamOpener opener(Path file) {
        LocalFileSource source = new LocalFileSource(file.toAbsolutePath().getParent());
        ObjectRef ref = new ObjectRef(LocalFileSource.BUCKET, file.getFileName().toString(), null, null, null);
        return from -> source.open(ref, from);
    }

    /** Serves bytes from an offset, as a ranged read of an object store would. */
    static StreamOpener opener(byte[] bytes) {
        return from -> {
            InputStream in = new ByteArrayInputStream(bytes);
            in.skipNBytes(from);
            return in;
        };
    }

    static List<ReadItem> readAll(FormatSpec spec, String name, StreamOpener opener) throws IOException {
        return readFrom(spec, name, opener, ResumePoint.START);
    }

    static List<ReadItem> readAll(FormatSpec spec, byte[] bytes) throws IOException {
        return readAll(spec, "test.file", opener(bytes));
    }

    static List<ReadItem> readFrom(FormatSpec spec, String name, StreamOpener opener, ResumePoint from)
            throws IOException {
        try (RecordReader reader = RecordReaders.open(spec, name, opener, from)) {
            List<ReadItem> items = new ArrayList<>();
            for (ReadItem item = reader.next(); item != null; item = reader.next()) items.add(item);
            return items;
        }
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FormatSpec csv(char delimiter, String charset) {
        CsvOptions options = new CsvOptions(delimiter, '"', null, true, List.of(), false, true);
        return new FormatSpec(RecordFormats.CSV, FormatSpec.Compression.AUTO, charset, options,
                FormatSpec.DEFAULT_MAX_RECORD_BYTES);
    }

    static FormatSpec withCap(FormatSpec spec, int maxRecordBytes) {
        return spec.withMaxRecordBytes(maxRecordBytes);
    }
}
