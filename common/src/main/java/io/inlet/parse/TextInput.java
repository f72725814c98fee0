package io.inlet.parse;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A text file after the shared pipeline: decompressed, its charset settled and its BOM skipped.
 * What a {@link TextFormat} reads its records from, at the start or at a resume offset.
 *
 * @param head       the decoded-bytes stream just past the BOM
 * @param compressed the file was compressed (so a resume skips instead of reopening at an offset)
 */
record TextInput(FormatSpec spec, String fileName, StreamOpener opener, BufferedInputStream head,
                        boolean compressed, TextEncoding encoding) {

    /** The bytes from the resume offset: a ranged read, or skipping when compressed. */
    InputStream positioned(ResumePoint at) throws IOException {
        if (!compressed) return reopenAt(at.byteOffset());
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

    /** Closes the head and opens the raw (uncompressed) file at {@code offset}. */
    InputStream reopenAt(long offset) throws IOException {
        head.close();
        return new BufferedInputStream(opener.open(offset), 1 << 16);
    }

    /** Cuts {@code in} into records in {@code mode}, counting bytes from {@code offset} and lines from {@code line}. */
    RecordFramer framer(InputStream in, RecordFramer.Mode mode, long offset, long line) {
        return new RecordFramer(in, encoding, spec.maxRecordBytes(), mode, spec.csv(), offset, line, fileName);
    }
}
