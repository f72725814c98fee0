package io.inlet.parse;

import java.io.IOException;
import java.util.List;

/** A reader of a file without a byte of content: it says so ({@link RecordReader#emptyFile()}). */
record EmptyFile(RecordReader reader) implements RecordReader {

    @Override
    public ReadItem next() throws IOException {
        return reader.next();
    }

    @Override
    public ResumePoint checkpoint() {
        return reader.checkpoint();
    }

    @Override
    public boolean emptyFile() {
        return true;
    }

    @Override
    public List<String> columns() {
        return reader.columns();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
