package io.inlet.parse;

import java.io.Closeable;
import java.io.IOException;

/**
 * Streams the records of one file, in order, in constant memory.
 *
 * <p>Contract: {@link #next()} returns each record exactly once as a {@link RawRecord} or a
 * {@link MalformedRecord}, then {@code null} at the end. A malformed record never ends the file
 * unless the rest cannot be parsed (a truncated JSON array), in which case the reader yields one
 * malformed item covering the rest and ends. Errors that make the whole file unreadable (corrupt
 * compression, undecodable bytes when the charset is strict) throw {@link FileFormatException}.
 * {@link #checkpoint()} after an item says where reading would resume after it.
 */
public interface RecordReader extends Closeable {

    ReadItem next() throws IOException;

    ResumePoint checkpoint();
}
