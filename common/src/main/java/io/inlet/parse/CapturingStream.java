package io.inlet.parse;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Passes bytes through to a streaming parser while keeping what is needed to give a JSON array
 * element its raw text: a ring of the most recent bytes (covering the parser's read-ahead) and,
 * once an element starts, its bytes up to a limit. Memory stays bounded however large an element is.
 */
final class CapturingStream extends FilterInputStream {

    /** Larger than any read-ahead of Jackson (8000 bytes) or an InputStreamReader (8192 bytes). */
    private static final int RECENT = 1 << 16;

    private final byte[] recent = new byte[RECENT];
    private final int limit;
    private long position;

    private boolean capturing;
    private long captureStart;
    private byte[] captured = new byte[256];
    private int capturedLength;

    /**
     * @param position absolute offset of the first byte this stream delivers
     * @param limit    at most this many bytes of an element are kept
     */
    CapturingStream(InputStream in, long position, int limit) {
        super(in);
        this.position = position;
        this.limit = limit;
    }

    /** Offset of the next byte to be read from the source. */
    long position() {
        return position;
    }

    /** Starts keeping bytes from {@code offset}, which the parser has just read past. */
    void startCapture(long offset) {
        if (capturing && captureStart == offset) return; // already keeping exactly these bytes
        if (offset < position - RECENT || offset > position) {
            throw new IllegalStateException("capture start " + offset + " is outside the recent window at " + position);
        }
        capturing = true;
        captureStart = offset;
        capturedLength = 0;
        for (long p = offset; p < position; p++) keep(recent[(int) (p % RECENT)]);
    }

    /** The kept bytes from the capture start up to {@code end} (fewer if over the limit). */
    byte[] captured(long end) {
        return Arrays.copyOf(captured, (int) Math.min(capturedLength, end - captureStart));
    }

    /** Reads the rest of the stream (keeping up to the limit): for a broken tail that cannot be parsed. */
    void drain() throws IOException {
        byte[] sink = new byte[8192];
        while (read(sink, 0, sink.length) >= 0) {
            // read() keeps what is needed
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) record((byte) b);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        for (int i = 0; i < n; i++) record(b[off + i]);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipped bytes must still pass through the ring, so skip by reading
        byte[] sink = new byte[(int) Math.min(n, 8192)];
        int r = read(sink, 0, sink.length);
        return Math.max(r, 0);
    }

    private void record(byte b) {
        recent[(int) (position % RECENT)] = b;
        position++;
        if (capturing) keep(b);
    }

    private void keep(byte b) {
        if (capturedLength >= limit) return;
        if (capturedLength == captured.length) captured = Arrays.copyOf(captured, Math.min(limit, captured.length * 2));
        captured[capturedLength++] = b;
    }
}
