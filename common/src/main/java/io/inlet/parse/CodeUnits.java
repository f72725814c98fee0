package io.inlet.parse;

import java.io.IOException;
import java.io.InputStream;

/**
 * A byte stream read one code unit at a time (one byte, or two for UTF-16), with the byte offset
 * and the physical line of the next unit, and one unit of push-back.
 */
final class CodeUnits {

    /** The end of the stream. */
    static final int EOF = -2;
    /** An odd last byte of a UTF-16 stream (a unit of one byte). */
    static final int DANGLING = -1;

    private final InputStream in;
    private final TextEncoding encoding;
    private final byte[] chunk = new byte[1 << 16];
    private int chunkPos;
    private int chunkLen;

    private long position;
    private long line;
    private final byte[] bytes = new byte[2];
    private int size;
    private boolean pushedBack;
    private int pushed;

    /**
     * @param position absolute offset of the stream's first byte
     * @param line     the physical line it is on
     */
    CodeUnits(InputStream in, TextEncoding encoding, long position, long line) {
        this.in = in;
        this.encoding = encoding;
        this.position = position;
        this.line = line;
    }

    /** Offset just past the last unit read. */
    long position() {
        return position;
    }

    /** Line of the next unit (a line feed read moves it on). */
    long line() {
        return line;
    }

    /** The last unit's bytes: {@link #size()} of them. */
    byte[] bytes() {
        return bytes;
    }

    /** Bytes in the last unit read. */
    int size() {
        return size;
    }

    /** The next unit's value, {@link #DANGLING} or {@link #EOF}. */
    int read() throws IOException {
        if (pushedBack) {
            pushedBack = false;
            position += size;
            return pushed;
        }
        int b0 = readByte();
        if (b0 < 0) return EOF;
        bytes[0] = (byte) b0;
        size = 1;
        int u;
        if (encoding.unitSize() == 1) {
            u = b0;
        } else {
            int b1 = readByte();
            if (b1 < 0) return DANGLING;
            bytes[1] = (byte) b1;
            size = 2;
            u = encoding.bigEndian() ? (b0 << 8) | b1 : (b1 << 8) | b0;
        }
        if (u == '\n') line++;
        return u;
    }

    /** Unreads the unit just read, which must not be a line feed. */
    void pushBack(int u) {
        if (u == '\n' || u < 0) throw new IllegalArgumentException("cannot push back " + u);
        pushedBack = true;
        pushed = u;
        position -= size;
    }

    private int readByte() throws IOException {
        if (chunkPos == chunkLen) {
            int n = in.read(chunk, 0, chunk.length);
            while (n == 0) n = in.read(chunk, 0, chunk.length);
            if (n < 0) return -1;
            chunkPos = 0;
            chunkLen = n;
        }
        position++;
        return chunk[chunkPos++] & 0xff;
    }
}
