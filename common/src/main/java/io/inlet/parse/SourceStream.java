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
            return super.read();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }
}
