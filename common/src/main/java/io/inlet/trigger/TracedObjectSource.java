package io.inlet.trigger;

import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import io.inlet.trace.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An object source whose reads are spans {@code inlet.object.read}, children of the delivery's span
 * (bound when made, so a read on another thread stays in the delivery's trace). A span lasts from
 * the request until the stream is closed and counts the bytes read. Used only while tracing is on.
 */
final class TracedObjectSource implements ObjectSource {

    private final ObjectSource objects;
    private final Context parent;

    TracedObjectSource(ObjectSource objects, Context parent) {
        this.objects = objects;
        this.parent = parent;
    }

    @Override
    public java.util.Optional<io.inlet.source.ObjectWriter> writer() {
        return objects.writer();
    }

    @Override
    public java.util.Optional<io.inlet.source.ObjectLister> lister() {
        return objects.lister();
    }

    @Override
    public InputStream open(ObjectRef ref, long fromByte) throws IOException {
        Span span = Tracing.start("inlet.object.read", SpanKind.CLIENT, parent, "inlet.bucket", ref.bucket(), "inlet.key", ref.key(),
                "inlet.version", ref.version(), "inlet.from_byte", fromByte);
        InputStream in;
        try {
            in = objects.open(ref, fromByte);
        } catch (IOException | RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
            span.end();
            throw e;
        }
        return new FilterInputStream(in) {
            private long bytes;
            private boolean ended;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) bytes++;
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) bytes += n;
                return n;
            }

            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    if (!ended) {
                        ended = true;
                        span.setAttribute("inlet.bytes_read", bytes);
                        span.end();
                    }
                }
            }
        };
    }
}
