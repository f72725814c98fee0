package io.inlet.aws.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The datagrams the exporter sends, as the daemon's side of a real UDP socket decodes them. */
class XRayUdpSpanExporterTest {

    static final String TRACE = "5759e988bd862e3fe1be46a994272793";

    @Test
    void aBatchTooLargeForOneDatagramIsSplitAndEverySpanArrivesOnce() throws Exception {
        try (XRayDaemonSocket daemon = new XRayDaemonSocket()) {
            XRayUdpSpanExporter exporter = new XRayUdpSpanExporter(new InetSocketAddress("127.0.0.1", daemon.port()), 4_000);
            List<SpanData> spans = new ArrayList<>();
            for (int i = 0; i < 40; i++) spans.add(span(i, true, "x".repeat(300)));

            assertThat(exporter.export(spans).isSuccess()).isTrue();

            List<XRayDaemonSocket.Datagram> datagrams = daemon.drain();
            assertThat(datagrams).hasSizeGreaterThan(1).allSatisfy(d -> assertThat(d.bytes()).isLessThanOrEqualTo(4_000));
            assertThat(datagrams.stream().flatMap(d -> d.spans().stream()).map(Span::getName).sorted().toList())
                    .isEqualTo(spans.stream().map(SpanData::getName).sorted().toList());
            assertThat(exporter.droppedSpans()).isZero();
        }
    }

    @Test
    void aSpanThatAloneExceedsADatagramIsDroppedAndCountedTheOthersStillArrive() throws Exception {
        try (XRayDaemonSocket daemon = new XRayDaemonSocket()) {
            XRayUdpSpanExporter exporter = new XRayUdpSpanExporter(new InetSocketAddress("127.0.0.1", daemon.port()), 4_000);

            exporter.export(List.of(span(1, true, "small"), span(2, true, "y".repeat(10_000)), span(3, true, "small")));

            assertThat(daemon.spans()).extracting(Span::getName).containsExactlyInAnyOrder("span-1", "span-3");
            assertThat(exporter.droppedSpans()).isEqualTo(1);
        }
    }

    @Test
    void unsampledSpansGoInTheirOwnDatagramMarkedT1U() throws Exception {
        try (XRayDaemonSocket daemon = new XRayDaemonSocket()) {
            XRayUdpSpanExporter exporter = new XRayUdpSpanExporter("127.0.0.1", daemon.port());

            exporter.export(List.of(span(1, true, "a"), span(2, false, "b")));

            assertThat(daemon.drain()).extracting(d -> d.prefix() + ":" + d.spans().get(0).getName())
                    .containsExactlyInAnyOrder("T1S:span-1", "T1U:span-2");
        }
    }

    @Test
    void aClosedSocketIsReopenedByTheNextExport() throws Exception {
        try (XRayDaemonSocket daemon = new XRayDaemonSocket()) {
            XRayUdpSpanExporter exporter = new XRayUdpSpanExporter("127.0.0.1", daemon.port());
            exporter.export(List.of(span(1, true, "before")));
            exporter.closeSocket();

            exporter.export(List.of(span(2, true, "after")));

            assertThat(daemon.spans()).extracting(Span::getName).containsExactly("span-1", "span-2");
        }
    }

    @Test
    void xrayTraceIdsStartWithTheEpochSecond() {
        String id = new XRayIdGenerator(() -> 0x5759e988L).generateTraceId();
        assertThat(id).hasSize(32).startsWith("5759e988").matches("[0-9a-f]{32}");
        assertThat(new XRayIdGenerator().generateTraceId()).isNotEqualTo(new XRayIdGenerator().generateTraceId());
    }

    static SpanData span(int n, boolean sampled, String attribute) {
        SpanContext context = SpanContext.create(TRACE, String.format("%016x", n + 1),
                sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
        return TestSpanData.builder().setName("span-" + n).setKind(SpanKind.INTERNAL).setSpanContext(context)
                .setStartEpochNanos(1_000).setEndEpochNanos(2_000).setHasEnded(true).setStatus(StatusData.unset())
                .setAttributes(Attributes.builder().put("payload", attribute).build()).setTotalRecordedEvents(0)
                .setTotalRecordedLinks(0).setTotalAttributeCount(1).build();
    }
}
