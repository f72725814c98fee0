package io.inlet.aws.trace;

import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends spans to the X-Ray daemon Lambda runs in every sandbox, as the AWS Distro for OpenTelemetry does
 * there: each export is one or more UDP datagrams, each the header line {@code {"format":"json","version":1}},
 * a newline, {@code T1S} (sampled spans) or {@code T1U} (unsampled ones), then the base64 of an OTLP
 * {@code ExportTraceServiceRequest} (OpenTelemetry's own protobuf marshaler).
 *
 * <p>A datagram carries at most {@link #MAX_DATAGRAM_BYTES}: a larger batch is halved until each part fits;
 * a single span that alone does not fit is dropped and counted ({@link #droppedSpans()}), never truncated.
 *
 * <p>Never throws and never blocks on the daemon: UDP is fire and forget, a daemon that is absent costs a
 * send into nothing. The socket is opened on the first export (not before a SnapStart snapshot) and can be
 * closed before one ({@link #closeSocket()}); the next export opens a new one.
 */
public final class XRayUdpSpanExporter implements SpanExporter {

    private static final Logger LOG = LoggerFactory.getLogger(XRayUdpSpanExporter.class);

    /** The daemon's protocol header and the line break after it. */
    static final byte[] HEADER = "{\"format\":\"json\",\"version\":1}\n".getBytes(StandardCharsets.US_ASCII);
    static final String SAMPLED = "T1S";
    static final String UNSAMPLED = "T1U";
    /** The largest UDP payload over IPv4 (65,535 less the IP and UDP headers). */
    public static final int MAX_DATAGRAM_BYTES = 65_507;

    private final InetSocketAddress daemon;
    private final int maxDatagramBytes;
    private final AtomicLong dropped = new AtomicLong();
    private DatagramChannel channel;
    private boolean shutdown;

    public XRayUdpSpanExporter(String host, int port) {
        this(new InetSocketAddress(host, port), MAX_DATAGRAM_BYTES);
    }

    XRayUdpSpanExporter(InetSocketAddress daemon, int maxDatagramBytes) {
        this.daemon = daemon;
        this.maxDatagramBytes = maxDatagramBytes;
    }

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> spans) {
        if (shutdown) return CompletableResultCode.ofFailure();
        List<SpanData> sampled = new ArrayList<>();
        List<SpanData> unsampled = new ArrayList<>();
        for (SpanData span : spans) (span.getSpanContext().isSampled() ? sampled : unsampled).add(span);
        try {
            send(sampled, SAMPLED);
            send(unsampled, UNSAMPLED);
            return CompletableResultCode.ofSuccess();
        } catch (IOException | RuntimeException e) {
            // a lost trace must never cost an invocation: reported, not thrown
            LOG.atWarn().setCause(e).log("spans not sent to the X-Ray daemon at {}: {}", daemon, e.getMessage());
            closeSocket();
            return CompletableResultCode.ofFailure();
        }
    }

    private void send(List<SpanData> spans, String prefix) throws IOException {
        if (spans.isEmpty()) return;
        byte[] datagram = datagram(spans, prefix);
        if (datagram.length <= maxDatagramBytes) {
            channel().send(ByteBuffer.wrap(datagram), daemon);
            return;
        }
        if (spans.size() == 1) {
            dropped.incrementAndGet();
            SpanData span = spans.get(0);
            LOG.atWarn().addKeyValue("span", span.getName()).addKeyValue("bytes", datagram.length)
                    .log("span {} dropped: alone it needs {} bytes, more than a UDP datagram holds", span.getName(), datagram.length);
            return;
        }
        int half = spans.size() / 2;
        send(spans.subList(0, half), prefix);
        send(spans.subList(half, spans.size()), prefix);
    }

    /** One datagram for {@code spans}: header, prefix, base64 of the OTLP request. */
    static byte[] datagram(Collection<SpanData> spans, String prefix) throws IOException {
        TraceRequestMarshaler request = TraceRequestMarshaler.create(spans);
        ByteArrayOutputStream protobuf = new ByteArrayOutputStream(request.getBinarySerializedSize());
        request.writeBinaryTo(protobuf);
        byte[] encoded = Base64.getEncoder().encode(protobuf.toByteArray());
        byte[] out = new byte[HEADER.length + prefix.length() + encoded.length];
        System.arraycopy(HEADER, 0, out, 0, HEADER.length);
        System.arraycopy(prefix.getBytes(StandardCharsets.US_ASCII), 0, out, HEADER.length, prefix.length());
        System.arraycopy(encoded, 0, out, HEADER.length + prefix.length(), encoded.length);
        return out;
    }

    private DatagramChannel channel() throws IOException {
        if (channel == null || !channel.isOpen()) channel = DatagramChannel.open();
        return channel;
    }

    /** Spans that were dropped because alone they do not fit into a datagram. */
    public long droppedSpans() {
        return dropped.get();
    }

    /** Closes the socket (before a SnapStart snapshot, after a send failed); the next export opens a new one. */
    public synchronized void closeSocket() {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.atDebug().setCause(e).log("closing the X-Ray daemon socket failed");
        }
        channel = null;
    }

    @Override
    public CompletableResultCode flush() {
        // every export is sent before it returns: nothing is held back
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public synchronized CompletableResultCode shutdown() {
        shutdown = true;
        closeSocket();
        return CompletableResultCode.ofSuccess();
    }
}
