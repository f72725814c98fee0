package io.inlet.parse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts the decompressed bytes of a file into records, one frame at a time, tracking exact byte
 * offsets and physical line numbers.
 *
 * <p>Framing works on bytes rather than decoded text so that offsets are exact, a record over the
 * size cap is skipped while only its first bytes are kept, and a reader can resume at any record's
 * first byte with a ranged read. In {@link Mode#LINES} every line feed ends a record. In
 * {@link Mode#CSV} it follows quoting only far enough to know whether a line feed ends the record
 * or lies inside a quoted field; the fields themselves are parsed by Commons CSV from the frame.
 * Lines end with LF or CRLF (a bare CR is not a line end).
 */
final class RecordFramer {

    enum Mode { LINES, CSV }

    private enum State { FIELD_START, UNQUOTED, QUOTED, AFTER_QUOTE }

    private static final int LF = '\n';
    private static final int CR = '\r';

    /**
     * One record's bytes.
     *
     * @param content           the record's bytes without its line terminator; only the first
     *                          {@code maxRecordBytes} bytes when {@code oversized}
     * @param contentLength     the record's true length in bytes, line terminator excluded
     * @param unterminatedQuote the file ended inside a quoted field
     */
    record Frame(long startOffset, long endOffset, long startLine, byte[] content, long contentLength,
                 boolean oversized, boolean unterminatedQuote) {
    }

    private final InputStream in;
    private final TextEncoding encoding;
    private final int maxRecordBytes;
    private final Mode mode;
    private final int quote;
    private final int delimiter;
    private final int escape;
    private final boolean trim;

    private final byte[] chunk = new byte[1 << 16];
    private int chunkPos;
    private int chunkLen;
    private boolean eof;

    private long position;
    private long line;
    private byte[] buffer = new byte[256];
    private final byte[] lastUnitBytes = new byte[2];

    RecordFramer(InputStream in, TextEncoding encoding, int maxRecordBytes, Mode mode, CsvOptions csv,
                 long position, long line, String fileName) {
        this.in = in;
        this.encoding = encoding;
        this.maxRecordBytes = maxRecordBytes;
        this.mode = mode;
        this.position = position;
        this.line = line;
        if (mode == Mode.CSV) {
            this.quote = encoding.unitOf(csv.quote(), "quote", fileName);
            this.delimiter = encoding.unitOf(csv.delimiter(), "delimiter", fileName);
            this.escape = csv.escape() == null || csv.escape() == csv.quote()
                    ? -1 : encoding.unitOf(csv.escape(), "escape character", fileName);
            this.trim = csv.trim();
        } else {
            this.quote = -1;
            this.delimiter = -1;
            this.escape = -1;
            this.trim = false;
        }
    }

    /** Offset of the next unread byte in the decompressed stream: where the next frame starts. */
    long position() {
        return position;
    }

    /** Physical line the next frame starts on. */
    long line() {
        return line;
    }

    /** Discards bytes up to {@code offset} (a resume point) and continues there on {@code atLine}. */
    void skipTo(long offset, long atLine, String fileName) throws IOException {
        if (offset < position) {
            throw new IllegalArgumentException(fileName + ": resume offset " + offset
                    + " lies before the first record (offset " + position + ")");
        }
        while (position < offset) {
            if (chunkPos == chunkLen && !fill()) {
                throw new FileFormatException(fileName + ": resume offset " + offset
                        + " is beyond the end of the file (" + position + " bytes)");
            }
            int n = (int) Math.min(chunkLen - chunkPos, offset - position);
            chunkPos += n;
            position += n;
        }
        line = atLine;
    }

    /** The next record's frame, or {@code null} when no bytes are left. */
    Frame next() throws IOException {
        long start = position;
        long startLine = line;
        long length = 0;
        int stored = 0;
        int previous = -1;
        State state = State.FIELD_START;
        boolean escaped = false;
        boolean ended = false;
        int storeLimit = maxRecordBytes + 2 * encoding.unitSize(); // room for a CR before the LF
        int u;
        while ((u = readUnit()) != -2) {
            int size = u == -1 ? 1 : encoding.unitSize(); // -1: a dangling odd byte of UTF-16
            if (u == LF && !escaped && endsRecord(state)) {
                line++;
                ended = true;
                break;
            }
            if (u == LF) line++;
            // keep the unit's bytes (up to the cap) for decoding later
            if (stored + size <= storeLimit) {
                ensureCapacity(stored + size);
                System.arraycopy(lastUnitBytes, 0, buffer, stored, size);
                stored += size;
            }
            length += size;
            previous = u;
            if (mode == Mode.CSV) {
                if (escaped) {
                    escaped = false;
                } else {
                    state = step(state, u);
                    escaped = escape >= 0 && u == escape && state != State.AFTER_QUOTE;
                }
            }
        }
        if (!ended && position == start) return null;
        if (ended && previous == CR) {
            length -= encoding.unitSize();
            stored = (int) Math.min(stored, length);
        }
        boolean oversized = length > maxRecordBytes;
        byte[] content = Arrays.copyOf(buffer, (int) Math.min(stored, Math.min(length, maxRecordBytes)));
        return new Frame(start, position, startLine, content, length, oversized,
                !ended && state == State.QUOTED);
    }

    private boolean endsRecord(State state) {
        return mode == Mode.LINES || state != State.QUOTED;
    }

    /** Commons CSV's view of where a field starts and ends, reduced to what framing needs. */
    private State step(State state, int u) {
        return switch (state) {
            case FIELD_START -> {
                if (u == quote) yield State.QUOTED;
                if (u == delimiter) yield State.FIELD_START;
                if (trim && (u == ' ' || u == '\t')) yield State.FIELD_START;
                if (u == CR) yield State.FIELD_START;
                yield State.UNQUOTED;
            }
            case UNQUOTED -> u == delimiter ? State.FIELD_START : State.UNQUOTED;
            case QUOTED -> u == quote ? State.AFTER_QUOTE : State.QUOTED;
            // a second quote is a doubled (literal) quote; anything else ends the quoted part
            case AFTER_QUOTE -> {
                if (u == quote) yield State.QUOTED;
                if (u == delimiter) yield State.FIELD_START;
                if (u == CR || trim && (u == ' ' || u == '\t')) yield State.AFTER_QUOTE;
                yield State.UNQUOTED;
            }
        };
    }

    /**
     * Reads one code unit into {@link #lastUnitBytes}: its value, -1 for a dangling odd byte at the
     * end of a UTF-16 file, or -2 at the end of the stream.
     */
    private int readUnit() throws IOException {
        int b0 = readByte();
        if (b0 < 0) return -2;
        lastUnitBytes[0] = (byte) b0;
        if (encoding.unitSize() == 1) return b0;
        int b1 = readByte();
        if (b1 < 0) return -1;
        lastUnitBytes[1] = (byte) b1;
        return encoding.bigEndian() ? (b0 << 8) | b1 : (b1 << 8) | b0;
    }

    private int readByte() throws IOException {
        if (chunkPos == chunkLen && !fill()) return -1;
        position++;
        return chunk[chunkPos++] & 0xff;
    }

    private boolean fill() throws IOException {
        if (eof) return false;
        int n = in.read(chunk, 0, chunk.length);
        while (n == 0) n = in.read(chunk, 0, chunk.length);
        if (n < 0) {
            eof = true;
            return false;
        }
        chunkPos = 0;
        chunkLen = n;
        return true;
    }

    private void ensureCapacity(int needed) {
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(needed, Math.min(buffer.length * 2, maxRecordBytes + 4)));
        }
    }
}
