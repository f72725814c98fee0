package io.inlet.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.testing.TestDatabase;
import io.inlet.trace.Tracing;
import io.inlet.trigger.FeedsLocation;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * With an OpenTelemetry SDK installed (its in-memory exporter), the real handlers on S3Proxy,
 * ElasticMQ and embedded PostgreSQL record the spans of an ingestion in the trace the invocation
 * carried (the X-Ray header Lambda's active tracing gives it): the object read, the SQL transactions,
 * the ledger claim and the append, and, in the relay's invocation, the publish of the derived message.
 */
class TracesTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    static final String XRAY_ROOT = "1-5759e988-bd862e3fe1be46a994272793";
    static final String TRACE_ID = "5759e988bd862e3fe1be46a994272793";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private SdkTracerProvider provider;

    @BeforeEach
    void installSdk() {
        provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
        Tracing.install(OpenTelemetrySdk.builder().setTracerProvider(provider).build());
    }

    @AfterEach
    void uninstall() {
        Tracing.install(null);
        provider.close();
        System.clearProperty("com.amazonaws.xray.traceHeader");
    }

    @Test
    void anS3IngestionRecordsTheReadTheSqlAndThePublishInTheInvocationsTrace() throws Exception {
        FunctionEnvironment env = environment();
        String key = "acme/orders/traced.csv";
        S3.client().putObject(b -> b.bucket("vendor-drop").key(key),
                RequestBody.fromString("order_id,ordered_at,amount,quantity\n7001,2026-11-20T08:00:00Z,1.50,1\n"));
        System.setProperty("com.amazonaws.xray.traceHeader", "Root=" + XRAY_ROOT + ";Parent=53995c3f42cd8ad8;Sampled=1");

        new S3ObjectHandler(env).handleRequest(MetricsExportTest.notification(env, key), TestLambdaContext.withTimeout(60_000));
        System.clearProperty("com.amazonaws.xray.traceHeader");
        new OutboxRelayHandler(env).handleRequest(Map.of(), TestLambdaContext.withTimeout(60_000));

        List<SpanData> recorded = spans.getFinishedSpanItems();
        List<SpanData> inTrace = recorded.stream().filter(s -> s.getTraceId().equals(TRACE_ID)).toList();
        Set<String> names = inTrace.stream().map(SpanData::getName).collect(Collectors.toSet());
        assertThat(names).contains("inlet.delivery", "inlet.object.read", "inlet.sql.transaction", "inlet.ledger.claim",
                "inlet.events.append", "inlet.publish");
        SpanData delivery = only(inTrace, "inlet.delivery");
        assertThat(delivery.getParentSpanId()).isEqualTo("53995c3f42cd8ad8");
        assertThat(delivery.getParentSpanContext().isRemote()).isTrue();
        SpanData read = only(inTrace, "inlet.object.read");
        assertThat(read.getParentSpanId()).isEqualTo(delivery.getSpanId());
        assertThat(read.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(read.getAttributes().asMap().toString()).contains(key);
        assertThat(inTrace).filteredOn(s -> s.getName().equals("inlet.publish")).singleElement()
                .satisfies(p -> assertThat(p.getKind()).isEqualTo(SpanKind.PRODUCER));
        // the claim and the append run inside SQL transactions of the delivery's trace
        SpanData append = only(inTrace, "inlet.events.append");
        assertThat(inTrace).extracting(SpanData::getSpanId).contains(append.getParentSpanId());
    }

    @Test
    void aMessageWithoutATraceStartsOne() throws Exception {
        FunctionEnvironment env = environment();
        String body = "{\"id\":\"9f0e0c1a-5002-4b5b-8c6d-000000005002\",\"type\":\"OrderPlaced\",\"order_id\":\"5002\","
                + "\"at\":\"2026-11-20T09:00:00Z\"}";
        String event = "{\"Records\":[{\"messageId\":\"m-untraced\",\"receiptHandle\":\"r\",\"body\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(body)
                + ",\"attributes\":{\"ApproximateReceiveCount\":\"1\"},\"messageAttributes\":{},\"eventSource\":\"aws:sqs\","
                + "\"eventSourceARN\":\"arn:aws:sqs:us-east-1:000000000000:intake\",\"awsRegion\":\"us-east-1\"}]}";

        new SqsIngestHandler(env).handleRequest(env.lambdaJson().sqsEvent(event), TestLambdaContext.withTimeout(60_000));

        SpanData delivery = only(spans.getFinishedSpanItems(), "inlet.delivery");
        assertThat(delivery.getParentSpanContext().isValid()).isFalse();
        assertThat(delivery.getTraceId()).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
        assertThat(spans.getFinishedSpanItems()).filteredOn(s -> s.getName().equals("inlet.sql.transaction"))
                .isNotEmpty().allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(delivery.getTraceId()));
    }

    private static SpanData only(List<SpanData> spans, String name) {
        List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as(name).hasSize(1);
        return named.get(0);
    }

    private static FunctionEnvironment environment() {
        DataSource db = TestDatabase.fresh("order_events", "downstream_events");
        if (!S3.client().listBuckets().buckets().stream().anyMatch(b -> b.name().equals("vendor-drop"))) S3.createBucket("vendor-drop");
        String out = SQS.createQueue("orders-out.fifo", Map.of(software.amazon.awssdk.services.sqs.model.QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false"));
        FunctionSettings settings = new FunctionSettings("classpath:aws-e2e-feeds.yaml", "jdbc:postgresql://test/inlet",
                "test", "test", null, Map.of("orders", out), null, "claim-checks/", null, Duration.ofSeconds(2), 4);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new S3BucketReader(S3.client())))
                .workerId("traces").build();
        return new FunctionEnvironment(settings, S3.client(), SQS.client(), db, inlet);
    }
}
