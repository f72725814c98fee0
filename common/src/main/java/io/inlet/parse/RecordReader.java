package io.inlet.parse;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

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

    /**
     * True when the file holds no bytes at all (after decompression and any byte-order mark): not
     * even a header, which a file with no records but a header has. Known once the reader is open.
     */
    default boolean emptyFile() {
        return false;
    }

    /**
     * The columns every record of the file has (a CSV file's header, or the columns the feed
     * declares), in file order; empty when the format has none (JSON records carry their own keys).
     */
    default List<String> columns() {
        return List.of();
    }
}
