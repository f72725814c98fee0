package io.inlet.cli;

import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/** An object source that counts the bytes read, for the progress bar. */
final class ProgressSource implements ObjectSource {

    private final ObjectSource delegate;
    final AtomicLong bytes = new AtomicLong();

    ProgressSource(ObjectSource delegate) {
        this.delegate = delegate;
    }

    @Override
    public java.util.Optional<io.inlet.source.ObjectWriter> writer() {
        return delegate.writer();
    }

    @Override
    public java.util.Optional<io.inlet.source.ObjectLister> lister() {
        return delegate.lister();
    }

    @Override
    public InputStream open(ObjectRef ref, long fromByte) throws IOException {
        bytes.set(fromByte);
        return new FilterInputStream(delegate.open(ref, fromByte)) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) bytes.incrementAndGet();
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) bytes.addAndGet(n);
                return n;
            }
        };
    }
}
