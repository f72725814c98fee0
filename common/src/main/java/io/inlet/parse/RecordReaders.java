package io.inlet.parse;

import java.io.IOException;
import java.util.Objects;

/**
 * Opens the {@link RecordReader} for a file in its feed's format: the format named in the spec
 * opens it ({@link RecordFormat#open}), from the start or from a {@link ResumePoint} reported by
 * an earlier reader of the same file. No list of formats here: they are registered in
 * {@link RecordFormats}.
 */
public final class RecordReaders {

    private RecordReaders() {
    }

    /**
     * @param spec     the feed's format
     * @param fileName names the file in every error message
     * @param opener   opens the file's raw bytes from an offset
     * @param from     {@link ResumePoint#START} or a checkpoint of an earlier reader of this file
     * @throws FileFormatException when the file cannot be read in this format at all (corrupt
     *                             compression, unsupported charset, bad CSV header, not a JSON array)
     * @throws IOException         when the source fails (transient)
     */
    public static RecordReader open(FormatSpec spec, String fileName, StreamOpener opener, ResumePoint from)
            throws IOException {
        Objects.requireNonNull(spec, "spec");
        return spec.format().open(spec, fileName, opener, from == null ? ResumePoint.START : from);
    }
}
