package io.inlet.parse;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The raw bytes as the source delivers them. Remembers the source's own read failures so a layer
 * above can tell a broken connection (transient) from corrupt content (permanent).
 */
final class SourceStream extends FilterInputStream {

    private IOException failure;
    private long bytesRead;

    /** Raw bytes delivered so far. */
    long bytesRead() {
        return bytesRead;
    }

    SourceStream(InputStream in) {
        super(in);
    }

    /** True when {@code e} is (or wraps) a failure this stream reported from the source. */
    boolean isSourceFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t == failure) return true;
        }
        return false;
    }

    @Override
    public int read() throws IOException {
        try {
            int b = super.read();
            if (b >= 0) bytesRead++;
            return b;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = super.read(b, off, len);
            if (n > 0) bytesRead += n;
            return n;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            long skipped = super.skip(n);
            bytesRead += skipped;
            return skipped;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }
}
