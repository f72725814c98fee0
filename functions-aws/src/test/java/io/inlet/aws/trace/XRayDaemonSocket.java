package io.inlet.aws.trace;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The X-Ray daemon's side of the wire, for tests: a real UDP socket on the loopback that decodes each
 * datagram as the daemon reads it (the protocol header line, the {@code T1S}/{@code T1U} prefix, the base64
 * of an OTLP {@code ExportTraceServiceRequest}) and refuses anything else. Non-blocking: {@link #drain()}
 * returns what has arrived; the exporter sends before the invocation returns, so nothing is waited for.
 */
public final class XRayDaemonSocket implements AutoCloseable {

    /** One datagram as the daemon decoded it. */
    public record Datagram(String header, String prefix, int bytes, ExportTraceServiceRequest request) {
        public List<Span> spans() {
            List<Span> spans = new ArrayList<>();
            request.getResourceSpansList().forEach(r -> r.getScopeSpansList().forEach(s -> spans.addAll(s.getSpansList())));
            return spans;
        }

        public String resourceAttribute(String key) {
            return request.getResourceSpans(0).getResource().getAttributesList().stream()
                    .filter(a -> a.getKey().equals(key)).map(a -> a.getValue().getStringValue()).findFirst().orElse(null);
        }
    }

    private final DatagramChannel channel;

    public XRayDaemonSocket() throws IOException {
        channel = DatagramChannel.open(StandardProtocolFamily.INET);
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        channel.configureBlocking(false);
    }

    public int port() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /** The datagrams received so far, decoded; a datagram not in the daemon's format fails the test. */
    public List<Datagram> drain() throws IOException {
        List<Datagram> out = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(65_536);
        while (channel.receive(buffer) != null) {
            buffer.flip();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            buffer.clear();
            out.add(decode(bytes));
        }
        return out;
    }

    /** Every span of every datagram received so far. */
    public List<Span> spans() throws IOException {
        List<Span> spans = new ArrayList<>();
        drain().forEach(d -> spans.addAll(d.spans()));
        return spans;
    }

    static Datagram decode(byte[] bytes) throws IOException {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        int newline = text.indexOf('\n');
        if (newline < 0) throw new IllegalStateException("no header line in a datagram of " + bytes.length + " bytes");
        String header = text.substring(0, newline);
        String prefix = text.substring(newline + 1, newline + 4);
        if (!prefix.equals("T1S") && !prefix.equals("T1U")) throw new IllegalStateException("unknown payload prefix " + prefix);
        byte[] protobuf = Base64.getDecoder().decode(text.substring(newline + 4));
        return new Datagram(header, prefix, bytes.length, ExportTraceServiceRequest.parseFrom(protobuf));
    }

    public static String hex(com.google.protobuf.ByteString id) {
        return HexFormat.of().formatHex(id.toByteArray());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
