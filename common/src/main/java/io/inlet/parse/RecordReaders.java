package io.inlet.parse;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;

/**
 * Opens the {@link RecordReader} for a file: undoes compression (detected from magic bytes),
 * settles the charset (BOM-aware), and reads CSV, JSON Lines or a JSON array, from the start or
 * from a {@link ResumePoint} reported by an earlier reader of the same file.
 *
 * <p>Resuming: compression and BOM are always detected from the start of the file, and a CSV
 * header is always read from there. An uncompressed file is then reopened at the resume offset (a
 * ranged read); a compressed one is decompressed from the start and the bytes before the offset are
 * skipped. Either way the items read are exactly those a full read yields from that point.
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
        Objects.requireNonNull(opener, "opener");
        ResumePoint at = from == null ? ResumePoint.START : from;
        InputStream raw = opener.open(0);
        Closeable toClose = raw;
        try {
            Decompression.Decompressed decompressed = Decompression.open(raw, spec.compression(), fileName);
            BufferedInputStream head = decompressed.stream();
            boolean compressed = decompressed.compressed();
            TextEncoding encoding = TextEncoding.detect(head, spec.charset(), fileName);
            head.skipNBytes(encoding.bomLength());
            head.mark(1);
            boolean empty = head.read() < 0;
            head.reset();
            boolean resumed = !at.isStart();
            if (resumed && at.byteOffset() < encoding.bomLength()) {
                throw new IllegalArgumentException(fileName + ": resume offset " + at.byteOffset()
                        + " lies inside the byte-order mark");
            }
            RecordReader reader = switch (spec.kind()) {
                case CSV -> csv(spec, fileName, opener, at, resumed, head, compressed, encoding);
                case JSON_LINES -> jsonLines(spec, fileName, opener, at, resumed, head, compressed, encoding);
                case JSON_ARRAY -> jsonArray(spec, fileName, opener, at, resumed, head, compressed, encoding);
            };
            toClose = null;
            return empty ? new EmptyFile(reader) : reader;
        } finally {
            if (toClose != null) toClose.close();
        }
    }

    /** A reader of a file without a byte of content: it says so ({@link RecordReader#emptyFile()}). */
    private record EmptyFile(RecordReader reader) implements RecordReader {
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

    private static RecordReader csv(FormatSpec spec, String fileName, StreamOpener opener, ResumePoint at,
                                    boolean resumed, BufferedInputStream head, boolean compressed,
                                    TextEncoding encoding) throws IOException {
        CsvOptions options = spec.csv();
        CsvDialect dialect = new CsvDialect(options);
        RecordFramer framer = framer(head, encoding, spec, RecordFramer.Mode.CSV, encoding.bomLength(), 1, fileName);
        List<String> columns = CsvRecordReader.columns(framer, options, dialect, encoding, spec.maxRecordBytes(), fileName);
        Closeable stream = head;
        if (resumed) {
            if (compressed) {
                framer.skipTo(at.byteOffset(), at.nextLineNumber(), fileName);
            } else {
                if (at.byteOffset() < framer.position()) {
                    throw new IllegalArgumentException(fileName + ": resume offset " + at.byteOffset()
                            + " lies before the first record (offset " + framer.position() + ")");
                }
                head.close();
                InputStream ranged = new BufferedInputStream(opener.open(at.byteOffset()), 1 << 16);
                stream = ranged;
                framer = framer(ranged, encoding, spec, RecordFramer.Mode.CSV, at.byteOffset(), at.nextLineNumber(),
                        fileName);
            }
        }
        return new CsvRecordReader(framer, options, dialect, encoding, columns, spec.maxRecordBytes(),
                at.nextRecordNumber(), stream);
    }

    private static RecordReader jsonLines(FormatSpec spec, String fileName, StreamOpener opener, ResumePoint at,
                                          boolean resumed, BufferedInputStream head, boolean compressed,
                                          TextEncoding encoding) throws IOException {
        InputStream in = resumed ? positioned(head, compressed, opener, at, encoding, fileName) : head;
        long offset = resumed ? at.byteOffset() : encoding.bomLength();
        RecordFramer framer = framer(in, encoding, spec, RecordFramer.Mode.LINES, offset, at.nextLineNumber(), fileName);
        return new JsonLinesRecordReader(framer, encoding, spec.maxRecordBytes(), at.nextRecordNumber(), in);
    }

    private static RecordReader jsonArray(FormatSpec spec, String fileName, StreamOpener opener, ResumePoint at,
                                          boolean resumed, BufferedInputStream head, boolean compressed,
                                          TextEncoding encoding) throws IOException {
        InputStream in = resumed ? positioned(head, compressed, opener, at, encoding, fileName) : head;
        ResumePoint start = resumed ? at : new ResumePoint(1, 1, encoding.bomLength());
        return JsonArrayRecordReader.open(in, encoding, spec.maxRecordBytes(), fileName, start, resumed, in);
    }

    /** The decompressed bytes from the resume offset: a ranged read, or skipping when compressed. */
    private static InputStream positioned(BufferedInputStream head, boolean compressed, StreamOpener opener,
                                          ResumePoint at, TextEncoding encoding, String fileName) throws IOException {
        if (!compressed) {
            head.close();
            return new BufferedInputStream(opener.open(at.byteOffset()), 1 << 16);
        }
        long toSkip = at.byteOffset() - encoding.bomLength();
        long skipped = 0;
        while (skipped < toSkip) {
            long n = head.skip(toSkip - skipped);
            if (n <= 0) {
                if (head.read() < 0) {
                    throw new FileFormatException(fileName + ": resume offset " + at.byteOffset()
                            + " is beyond the end of the file");
                }
                n = 1;
            }
            skipped += n;
        }
        return head;
    }

    private static RecordFramer framer(InputStream in, TextEncoding encoding, FormatSpec spec, RecordFramer.Mode mode,
                                       long offset, long line, String fileName) {
        return new RecordFramer(in, encoding, spec.maxRecordBytes(), mode, spec.csv(), offset, line, fileName);
    }
}
