package io.inlet.gcp.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.inlet.gcp.GcpRuntime;
import io.inlet.gcp.GcpSettings;
import io.inlet.gcp.GcsObjectFunction;
import io.inlet.gcp.PubSubEventFunction;
import io.inlet.testing.TestDatabase;
import io.inlet.trace.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GCP functions' trace export, with the SDK's in-memory exporter at the exporter seam of
 * {@link CloudTracing#start(TraceSettings, String, java.util.function.Function)} (the rest as deployed: batch
 * processor, parent-based sampler, W3C propagator): a real object ingestion through {@link GcsObjectFunction}
 * on GCS test storage and embedded PostgreSQL.
 */
class CloudTracingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";
    private static final String FEEDS = """
            version: 1
            feeds:
              - name: orders
                bucket: gcs-trace-drop
                key_pattern: "orders/**"
                format: { type: csv, header: true }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: at, formats: ["iso"], zone: UTC }
                  id: { strategy: position }
                table: order_events
            """;

    @TempDir
    Path work;
    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private CloudTracing tracing = CloudTracing.OFF;

    @AfterEach
    void stop() {
        tracing.close();
        Tracing.install(null);
    }

    @Test
    void aGcsIngestionExportsItsReadSqlClaimAndAppendSpansInTheIncomingTraceByTheEndOfTheRequest() throws Exception {
        Setup setup = setup("orders/traced.csv");
        // ratio 0: only the incoming sampled flag can make these spans recorded (parent-based sampling)
        tracing = CloudTracing.start(new TraceSettings(TraceSettings.Export.CLOUD_TRACE, "inlet-demo", 0.0), "inlet-ingest",
                settings -> exported);

        try (GcpRuntime runtime = GcpRuntime.create(setup.settings, setup.storage, setup.db, tracing)) {
            new GcsObjectFunction(runtime).accept(finalized(setup.blob, "00-" + TRACE_ID + "-" + PARENT + "-01"));
            // read before close: the batch processor's own schedule (5 s) has not run, the request's end flushed them
            List<SpanData> spans = exported.getFinishedSpanItems();
            assertThat(spans).isNotEmpty().allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(TRACE_ID));
            assertThat(spans).extracting(SpanData::getName).contains("inlet.delivery", "inlet.object.read",
                    "inlet.sql.transaction", "inlet.ledger.claim", "inlet.events.append");
            SpanData delivery = only(spans, "inlet.delivery");
            assertThat(delivery.getParentSpanId()).isEqualTo(PARENT);
            assertThat(delivery.getParentSpanContext().isRemote()).isTrue();
            SpanData read = only(spans, "inlet.object.read");
            assertThat(read.getParentSpanId()).isEqualTo(delivery.getSpanId());
            assertThat(read.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(read.getAttributes().asMap().toString()).contains("orders/traced.csv");
            assertThat(delivery.getResource().getAttributes().asMap().toString()).contains("inlet-ingest");
        }
    }

    @Test
    void aPubSubMessageWithATraceparentAttributeIsTracedInThatTraceByTheEndOfTheRequest() throws Exception {
        DataSource db = TestDatabase.fresh("downstream_events");
        Path feeds = Files.writeString(work.resolve("messages.yaml"), MESSAGE_FEEDS);
        GcpSettings settings = new GcpSettings(feeds.toString(), "jdbc:postgresql://test/inlet", null, null, Map.of(), Set.of(),
                "intake", null, Duration.ofSeconds(60));
        tracing = CloudTracing.start(new TraceSettings(TraceSettings.Export.CLOUD_TRACE, "inlet-demo", 0.0), "inlet-push",
                s -> exported);

        try (GcpRuntime runtime = GcpRuntime.create(settings, LocalStorageHelper.getOptions().getService(), db, tracing)) {
            new PubSubEventFunction(runtime).accept(messagePublished("00-" + TRACE_ID + "-" + PARENT + "-01"));
            List<SpanData> spans = exported.getFinishedSpanItems();
            assertThat(spans).isNotEmpty().allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(TRACE_ID));
            assertThat(spans).extracting(SpanData::getName).contains("inlet.delivery", "inlet.sql.transaction", "inlet.events.append");
            assertThat(only(spans, "inlet.delivery").getParentSpanId()).isEqualTo(PARENT);
        }
    }

    private static final String MESSAGE_FEEDS = """
            version: 1
            messages:
              - name: intake
                channel: intake
                format: json
                mapping:
                  event_type: { column: type }
                  stream_id: "order-{order_id}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: downstream_events
            """;

    /** The CloudEvent Eventarc delivers for one message whose publisher set a {@code traceparent} attribute. */
    private static CloudEvent messagePublished(String traceparent) {
        String id = java.util.UUID.randomUUID().toString();
        String body = "{\"id\":\"" + java.util.UUID.randomUUID() + "\",\"type\":\"OrderPlaced\",\"order_id\":\"7\","
                + "\"at\":\"2026-11-20T09:00:00Z\"}";
        String data = "{\"subscription\":\"projects/p/subscriptions/eventarc-intake\",\"message\":{\"data\":\""
                + java.util.Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) + "\",\"messageId\":\"" + id
                + "\",\"publishTime\":\"2026-11-20T09:00:00Z\",\"attributes\":{\"traceparent\":\"" + traceparent + "\"}}}";
        return CloudEventBuilder.v1().withId(id).withType(io.inlet.gcp.decode.MessagePublishedDecoder.TYPE)
                .withSource(URI.create("//pubsub.googleapis.com/projects/p/topics/intake"))
                .withData("application/json", data.getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void aTraceparentThatIsNotSampledExportsNothingEvenAtRatioOne() throws Exception {
        Setup setup = setup("orders/unsampled.csv");
        tracing = CloudTracing.start(new TraceSettings(TraceSettings.Export.CLOUD_TRACE, "inlet-demo", 1.0), "inlet-ingest",
                settings -> exported);

        try (GcpRuntime runtime = GcpRuntime.create(setup.settings, setup.storage, setup.db, tracing)) {
            new GcsObjectFunction(runtime).accept(finalized(setup.blob, "00-" + TRACE_ID + "-" + PARENT + "-00"));
        }

        assertThat(exported.getFinishedSpanItems()).isEmpty();
        assertThat(events(setup.db)).isEqualTo(1);
    }

    @Test
    void offInstallsNoSdkAndMakesNoSpanObjects() throws Exception {
        Setup setup = setup("orders/off.csv");
        TraceSettings off = TraceSettings.fromEnvironment(Map.of("INLET_TRACING", "off", "GOOGLE_CLOUD_PROJECT", "inlet-demo"));
        tracing = CloudTracing.start(off, "inlet-ingest", settings -> {
            throw new AssertionError("off makes no exporter");
        });

        assertThat(tracing).isSameAs(CloudTracing.OFF);
        assertThat(tracing.exporting()).isFalse();
        assertThat(Tracing.enabled()).isFalse();
        try (GcpRuntime runtime = GcpRuntime.create(setup.settings, setup.storage, setup.db, tracing)) {
            new GcsObjectFunction(runtime).accept(finalized(setup.blob, "00-" + TRACE_ID + "-" + PARENT + "-01"));
        }
        assertThat(Tracing.enabled()).isFalse();
        assertThat(events(setup.db)).isEqualTo(1);
    }

    private record Setup(DataSource db, Storage storage, Blob blob, GcpSettings settings) {
    }

    private Setup setup(String key) throws Exception {
        DataSource db = TestDatabase.fresh("order_events");
        Storage storage = LocalStorageHelper.getOptions().getService();
        Blob blob = storage.create(BlobInfo.newBuilder("gcs-trace-drop", key).build(),
                "order_id,at\n1,2026-11-20T06:00:00Z\n".getBytes(StandardCharsets.UTF_8));
        Path feeds = Files.writeString(work.resolve("feeds.yaml"), FEEDS);
        GcpSettings settings = new GcpSettings(feeds.toString(), "jdbc:postgresql://unused", null, null, Map.of(), Set.of(),
                null, null, Duration.ofSeconds(60));
        return new Setup(db, storage, blob, settings);
    }

    private static long events(DataSource db) throws Exception {
        try (var c = db.getConnection(); var rs = c.createStatement().executeQuery("select count(*) from order_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static SpanData only(List<SpanData> spans, String name) {
        List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as(name).hasSize(1);
        return named.get(0);
    }

    private static CloudEvent finalized(Blob blob, String traceparent) throws Exception {
        var data = JSON.createObjectNode().put("bucket", blob.getBucket()).put("name", blob.getName())
                .put("size", Long.toString(blob.getContent().length)).put("metageneration", "1");
        return CloudEventBuilder.v1().withId("trace-" + blob.getName()).withType("google.cloud.storage.object.v1.finalized")
                .withSource(URI.create("//storage.googleapis.com/projects/_/buckets/" + blob.getBucket()))
                .withSubject("objects/" + blob.getName()).withDataContentType("application/json")
                .withExtension("traceparent", traceparent)
                .withData(JSON.writeValueAsBytes(data)).build();
    }
}
