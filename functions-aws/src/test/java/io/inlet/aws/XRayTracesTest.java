package io.inlet.aws;

import static io.inlet.aws.trace.XRayDaemonSocket.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.aws.trace.TraceSettings;
import io.inlet.aws.trace.XRayDaemonSocket;
import io.inlet.aws.trace.XRayTracing;
import io.inlet.testing.TestDatabase;
import io.inlet.trace.Tracing;
import io.inlet.trigger.FeedsLocation;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The span export a default AWS deployment runs (INLET_TRACING unset: xray), end to end: the real handlers on
 * S3Proxy, ElasticMQ and embedded PostgreSQL, with the invocation's X-Ray header as Lambda passes it, send
 * their spans before returning, over UDP, in the X-Ray daemon's wire format, to a real socket standing in for
 * the daemon (which cannot run here), which decodes the OTLP protobuf.
 */
class XRayTracesTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    static final String ROOT = "1-5759e988-bd862e3fe1be46a994272793";
    static final String TRACE_ID = "5759e988bd862e3fe1be46a994272793";
    static final String PARENT = "53995c3f42cd8ad8";
    static final Map<String, String> LAMBDA = Map.of("AWS_LAMBDA_FUNCTION_NAME", "inlet-ingest", "AWS_REGION", "eu-west-1",
            "OTEL_SERVICE_NAME", "InletTest");

    private XRayDaemonSocket daemon;
    private XRayTracing tracing;

    @BeforeEach
    void openDaemon() throws Exception {
        daemon = new XRayDaemonSocket();
    }

    @AfterEach
    void closeAll() throws Exception {
        if (tracing != null) tracing.close();
        Tracing.install(null);
        daemon.close();
        System.clearProperty("com.amazonaws.xray.traceHeader");
    }

    @Test
    void aSampledInvocationSendsItsSpansToTheDaemonInTheLambdaSegmentsTrace() throws Exception {
        FunctionEnvironment env = environment(TraceSettings.Export.XRAY);
        assertThat(tracing.mode()).isEqualTo(XRayTracing.Mode.XRAY);
        String key = putObject("acme/orders/xray.csv");
        System.setProperty("com.amazonaws.xray.traceHeader", "Root=" + ROOT + ";Parent=" + PARENT + ";Sampled=1");

        new S3ObjectHandler(env).handleRequest(MetricsExportTest.notification(env, key), TestLambdaContext.withTimeout(60_000));

        // sent before handleRequest returned: the socket already holds them
        List<XRayDaemonSocket.Datagram> datagrams = daemon.drain();
        assertThat(datagrams).isNotEmpty().allSatisfy(d -> {
            assertThat(d.header()).isEqualTo("{\"format\":\"json\",\"version\":1}");
            assertThat(d.prefix()).isEqualTo("T1S");
            assertThat(d.bytes()).isLessThanOrEqualTo(65_507);
            assertThat(d.resourceAttribute("service.name")).isEqualTo("InletTest");
            assertThat(d.resourceAttribute("cloud.platform")).isEqualTo("aws_lambda");
        });
        List<Span> spans = datagrams.stream().flatMap(d -> d.spans().stream()).toList();
        assertThat(spans).allSatisfy(s -> assertThat(hex(s.getTraceId())).isEqualTo(TRACE_ID));
        assertThat(spans).extracting(Span::getName)
                .contains("inlet.delivery", "inlet.object.read", "inlet.sql.transaction", "inlet.ledger.claim", "inlet.events.append");
        Span delivery = only(spans, "inlet.delivery");
        assertThat(hex(delivery.getParentSpanId())).as("child of the Lambda function segment").isEqualTo(PARENT);
        assertThat(delivery.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
        Span read = only(spans, "inlet.object.read");
        assertThat(read.getParentSpanId()).isEqualTo(delivery.getSpanId());
        assertThat(read.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(attributes(read).values()).anySatisfy(v -> assertThat(v).contains(key));
        Span append = only(spans, "inlet.events.append");
        assertThat(spans).extracting(s -> hex(s.getSpanId())).contains(hex(append.getParentSpanId()));
        assertThat(spans).filteredOn(s -> s.getName().equals("inlet.sql.transaction")).isNotEmpty()
                .allSatisfy(s -> assertThat(spans).extracting(Span::getSpanId).contains(s.getParentSpanId()));

        // the relay's invocation publishes the derived message in the trace the event carried
        new OutboxRelayHandler(env).handleRequest(Map.of(), TestLambdaContext.withTimeout(60_000));
        Span publish = only(daemon.spans(), "inlet.publish");
        assertThat(hex(publish.getTraceId())).isEqualTo(TRACE_ID);
        assertThat(publish.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_PRODUCER);
    }

    @Test
    void primingForASnapshotSendsNothingAndTheFirstInvocationAfterItExports() throws Exception {
        FunctionEnvironment env = environment(TraceSettings.Export.XRAY);

        SnapStartPriming.checkpoint(env);
        assertThat(daemon.drain()).isEmpty();
        String key = putObject("acme/orders/primed.csv");
        System.setProperty("com.amazonaws.xray.traceHeader", "Root=" + ROOT + ";Parent=" + PARENT + ";Sampled=1");
        new S3ObjectHandler(env).handleRequest(MetricsExportTest.notification(env, key), TestLambdaContext.withTimeout(60_000));

        assertThat(daemon.spans()).extracting(Span::getName).contains("inlet.delivery").doesNotContain("inlet.priming");
    }

    @Test
    void anUnsampledInvocationSendsNothing() throws Exception {
        FunctionEnvironment env = environment(TraceSettings.Export.XRAY);
        String key = putObject("acme/orders/unsampled.csv");
        System.setProperty("com.amazonaws.xray.traceHeader", "Root=" + ROOT + ";Parent=" + PARENT + ";Sampled=0");

        List<String> results = new S3ObjectHandler(env).handleRequest(MetricsExportTest.notification(env, key),
                TestLambdaContext.withTimeout(60_000));

        assertThat(results).singleElement().asString().startsWith("COMPLETED");
        assertThat(daemon.drain()).isEmpty();
    }

    @Test
    void tracingOffSendsNothingAndMakesNoSpans() throws Exception {
        FunctionEnvironment env = environment(TraceSettings.Export.OFF);
        String key = putObject("acme/orders/off.csv");
        System.setProperty("com.amazonaws.xray.traceHeader", "Root=" + ROOT + ";Parent=" + PARENT + ";Sampled=1");

        List<String> results = new S3ObjectHandler(env).handleRequest(MetricsExportTest.notification(env, key),
                TestLambdaContext.withTimeout(60_000));

        assertThat(results).singleElement().asString().startsWith("COMPLETED");
        assertThat(tracing.mode()).isEqualTo(XRayTracing.Mode.OFF);
        assertThat(Tracing.enabled()).isFalse();
        assertThat(daemon.drain()).isEmpty();
    }

    @Test
    void anAbsentDaemonCostsTheInvocationNothing() throws Exception {
        int port = daemon.port();
        daemon.close();
        FunctionEnvironment env = environment(TraceSettings.Export.XRAY, port);
        String key = putObject("acme/orders/nodaemon.csv");
        System.setProperty("com.amazonaws.xray.traceHeader", "Root=" + ROOT + ";Parent=" + PARENT + ";Sampled=1");

        for (int i = 0; i < 2; i++) {
            List<String> results = new S3ObjectHandler(env).handleRequest(MetricsExportTest.notification(env, key),
                    TestLambdaContext.withTimeout(60_000));
            assertThat(results).singleElement().asString().matches("(COMPLETED|ALREADY_COMPLETED) .*");
        }
        daemon = new XRayDaemonSocket();
    }

    @Test
    void aLayersSdkRecordsTheSpansAndInletExportsNone() throws Exception {
        InMemorySpanExporter layer = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(layer)).build();
        GlobalOpenTelemetry.resetForTest();
        GlobalOpenTelemetry.set(OpenTelemetrySdk.builder().setTracerProvider(provider).build());
        try {
            FunctionEnvironment env = environment(TraceSettings.Export.XRAY);
            assertThat(tracing.mode()).isEqualTo(XRayTracing.Mode.LAYER);
            String key = putObject("acme/orders/layer.csv");
            System.setProperty("com.amazonaws.xray.traceHeader", "Root=" + ROOT + ";Parent=" + PARENT + ";Sampled=1");

            new S3ObjectHandler(env).handleRequest(MetricsExportTest.notification(env, key), TestLambdaContext.withTimeout(60_000));

            assertThat(layer.getFinishedSpanItems()).extracting(s -> s.getName()).contains("inlet.delivery", "inlet.object.read");
            assertThat(daemon.drain()).as("no double export").isEmpty();
        } finally {
            GlobalOpenTelemetry.resetForTest();
            provider.close();
        }
    }

    private FunctionEnvironment environment(TraceSettings.Export export) throws Exception {
        return environment(export, daemon.port());
    }

    private FunctionEnvironment environment(TraceSettings.Export export, int port) {
        tracing = XRayTracing.start(new TraceSettings(export, "127.0.0.1", port, 1.0), LAMBDA);
        DataSource db = TestDatabase.fresh("order_events", "downstream_events");
        if (S3.client().listBuckets().buckets().stream().noneMatch(b -> b.name().equals("vendor-drop"))) S3.createBucket("vendor-drop");
        String out = SQS.createQueue("orders-out.fifo", Map.of(
                software.amazon.awssdk.services.sqs.model.QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false"));
        FunctionSettings settings = new FunctionSettings("classpath:aws-e2e-feeds.yaml", "jdbc:postgresql://test/inlet",
                "test", "test", null, Map.of("orders", out), null, "claim-checks/", null, Duration.ofSeconds(2), 4);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new S3BucketReader(S3.client())))
                .workerId("xray").build();
        return new FunctionEnvironment(settings, S3.client(), SQS.client(), db, inlet, tracing);
    }

    private static String putObject(String key) {
        S3.client().putObject(b -> b.bucket("vendor-drop").key(key),
                RequestBody.fromString("order_id,ordered_at,amount,quantity\n7001,2026-11-20T08:00:00Z,1.50,1\n"));
        return key;
    }

    private static Map<String, String> attributes(Span span) {
        return span.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().toString()));
    }

    private static Span only(List<Span> spans, String name) {
        List<Span> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as(name).hasSize(1);
        return named.get(0);
    }
}
