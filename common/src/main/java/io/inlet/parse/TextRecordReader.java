package io.inlet.parse;

import java.io.Closeable;
import java.io.IOException;

/**
 * What every text format's reader keeps the same way: where reading would resume after the last item
 * it returned, and the stream it closes.
 */
abstract sealed class TextRecordReader implements RecordReader permits CsvRecordReader, JsonLinesRecordReader, JsonArrayRecordReader {

    private final Closeable stream;
    private ResumePoint checkpoint;

    TextRecordReader(Closeable stream, ResumePoint start) {
        this.stream = stream;
        this.checkpoint = start;
    }

    /** After an item: reading resumes here. */
    final void checkpointAt(ResumePoint next) {
        checkpoint = next;
    }

    @Override
    public final ResumePoint checkpoint() {
        return checkpoint;
    }

    @Override
    public final void close() throws IOException {
        stream.close();
    }
}
