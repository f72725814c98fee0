package io.inlet.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.fasterxml.jackson.databind.JsonNode;
import io.inlet.Inlet;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.metrics.EmfExporter;
import io.inlet.aws.metrics.EmfLines;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.feed.FeedRegistry;
import io.inlet.outbox.RelaySettings;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.FeedsLocation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The core's meters leave the real handlers as CloudWatch EMF lines: one invocation of each handler
 * on S3Proxy, ElasticMQ and embedded PostgreSQL, stdout captured, every line validated against the
 * EMF specification ({@link EmfLines}). The names they print are the catalogue the CDK alarms are
 * checked against (infra's AlarmMetricsTest reads {@value #CATALOGUE}).
 */
class MetricsExportTest {

    /** What a real set of invocations printed: {@code Namespace|Metric|Dimensions}, one a line. */
    static final String CATALOGUE = "../docs/metrics/aws-emf-metrics.txt";

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    static final String BUCKET = "vendor-drop";
    /** A feed expecting a file every hour, on the hour, by the hour's end. */
    static final String EXPECTING = """
            version: 1
            feeds:
              - name: hourly
                bucket: vendor-drop
                key_pattern: "hourly/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                table: order_events
                expect: { schedule: "0 * * * *", within: 0m }
            """;

    @Test
    void everyHandlerExportsTheCoreMetersAsValidEmfWithTheServiceDimensionAndAColdStart() throws Exception {
        DataSource db = TestDatabase.fresh("order_events", "downstream_events");
        S3.createBucket(BUCKET);
        // a destination queue that does not exist: the relay's publishes fail, and with one attempt allowed the rows block
        String missingQueue = SQS.createQueue("present", Map.of()).replace("present", "absent");
        FunctionSettings settings = new FunctionSettings("classpath:aws-e2e-feeds.yaml", "jdbc:postgresql://test/inlet",
                "test", "test", null, Map.of("orders", missingQueue), null, "claim-checks/", null, Duration.ofSeconds(2), 4);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new S3BucketReader(S3.client())))
                .workerId("metrics").relaySettings(new RelaySettings(100, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofDays(7), 1))
                .build();
        FunctionEnvironment env = new FunctionEnvironment(settings, S3.client(), SQS.client(), db, inlet);
        String service = EmfExporter.serviceName(System.getenv());

        String key = "acme/orders/good.csv";
        S3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(
                "order_id,ordered_at,amount,quantity\n1,2026-11-20T08:00:00Z,1.50,1\n2,not a time,2.00,1\n"));
        S3.client().putObject(b -> b.bucket(BUCKET).key("acme/orders/lost.csv"), RequestBody.fromString("order_id\n"));

        InvocationContext.newExecutionEnvironment();
        EmfLines ingest = capture(() -> new S3ObjectHandler(env).handleRequest(notification(env, key), TestLambdaContext.withTimeout(60_000)));
        EmfLines relay = capture(() -> new OutboxRelayHandler(env).handleRequest(Map.of(), TestLambdaContext.withTimeout(60_000)));
        EmfLines message = capture(() -> new SqsIngestHandler(env).handleRequest(env.lambdaJson().sqsEvent(intakeMessage()),
                TestLambdaContext.withTimeout(60_000)));
        ByteArrayOutputStream sweepOut = new ByteArrayOutputStream();
        new SweepHandler(env, Map.of()).sweep(Instant.now().plus(Duration.ofHours(1)), new PrintStream(sweepOut, true, StandardCharsets.UTF_8));
        EmfLines sweep = EmfLines.of(sweepOut.toString(StandardCharsets.UTF_8));
        // the arrival check over an hourly expectation: its first run begins watching, one two hours later misses slots
        FeedRegistry expecting = FeedRegistry.parse(EXPECTING, "expecting.yaml");
        new ArrivalCheckHandler(new FunctionEnvironment(settings, S3.client(), SQS.client(), db, Inlet.builder().dataSource(db)
                .feeds(expecting).workerId("watch").build())).check(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        FunctionEnvironment later = new FunctionEnvironment(settings, S3.client(), SQS.client(), db, Inlet.builder().dataSource(db)
                .feeds(expecting).workerId("check").clock(Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC)).build());
        EmfLines arrival = capture(() -> new ArrivalCheckHandler(later).handleRequest(Map.of(), TestLambdaContext.withTimeout(60_000)));

        // the first invocation of the environment is a cold start; the next ones are not
        JsonNode cold = ingest.withMetric("ColdStart").orElseThrow();
        assertThat(cold.path("ColdStart").asLong()).isEqualTo(1);
        assertThat(cold.path("Function").asText()).isEqualTo("inlet-test");
        assertThat(relay.withMetric("ColdStart")).isEmpty();
        assertThat(message.withMetric("ColdStart")).isEmpty();

        JsonNode files = ingest.withMetric("Files").orElseThrow();
        assertThat(files.path("Feed").asText()).isEqualTo("acme-orders");
        assertThat(files.path("Outcome").asText()).isEqualTo("COMPLETED");
        assertThat(ingest.allWithMetric("Records")).extracting(d -> d.path("Outcome").asText() + "=" + d.path("Records").asLong())
                .contains("read=2", "appended=1", "rejected=1");
        // an ingest function never set the outbox gauges: it does not report them
        assertThat(ingest.withMetric("OutboxLagSeconds")).isEmpty();

        JsonNode outbox = relay.withMetric("OutboxBlocked").orElseThrow();
        assertThat(outbox.path("OutboxBlocked").asLong()).isPositive();
        assertThat(outbox.path("OutboxLagSeconds").asDouble()).isPositive();
        assertThat(relay.withMetric("RelayPublishFailures").orElseThrow().path("RelayPublishFailures").asLong()).isPositive();
        // a counter reports its increase, not its total: the ingest's files are not counted again
        assertThat(relay.withMetric("Files")).isEmpty();

        assertThat(message.withMetric("Messages").orElseThrow().path("Status").asText()).isEqualTo("APPENDED");
        assertThat(sweep.withMetric("SweepMissingObjects").orElseThrow().path("SweepMissingObjects").asLong()).isPositive();
        long alerts = arrival.withMetric("ArrivalAlerts").orElseThrow().path("ArrivalAlerts").asLong();
        assertThat(alerts).isPositive();
        assertThat(arrival.allWithMetric("ArrivalEmitted")).extracting(d -> d.path("Kind").asText() + "=" + d.path("ArrivalEmitted").asLong())
                .containsExactly("FileMissing=" + alerts);

        TreeSet<String> printed = new TreeSet<>();
        for (EmfLines lines : List.of(ingest, relay, message, sweep, arrival)) {
            for (JsonNode doc : lines.documents()) {
                assertThat(doc.path(EmfExporter.SERVICE).asText()).isEqualTo(service);
                JsonNode directive = doc.path("_aws").path("CloudWatchMetrics").get(0);
                assertThat(directive.path("Namespace").asText()).isEqualTo(EmfExporter.NAMESPACE);
                assertThat(directive.path("Dimensions").get(0).get(0).asText()).isEqualTo(EmfExporter.SERVICE);
            }
            printed.addAll(lines.catalogue());
        }
        Path catalogue = Path.of(CATALOGUE);
        if (Boolean.getBoolean("inlet.metrics.write")) Files.write(catalogue, printed);
        // the committed catalogue is exactly what these invocations printed (regenerate: -Dinlet.metrics.write=true)
        assertThat(Files.readAllLines(catalogue)).containsExactlyElementsOf(printed);
    }

    private static EmfLines capture(Callable<?> invocation) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            invocation.call();
        } finally {
            System.setOut(stdout);
        }
        return EmfLines.of(captured.toString(StandardCharsets.UTF_8));
    }

    static S3Event notification(FunctionEnvironment env, String key) {
        long size = env.s3().headObject(b -> b.bucket(BUCKET).key(key)).contentLength();
        String json = SamplePayloads.read(SamplePayloads.OWN.resolve("s3-put-direct.json"))
                .replace("inlet-vendor-drop", BUCKET)
                .replace("acme/orders/2024-05-01.csv", key)
                .replace("\"size\": 2048", "\"size\": " + size);
        return env.lambdaJson().s3Event(json);
    }

    private static String intakeMessage() {
        String body = "{\"id\":\"9f0e0c1a-4002-4b5b-8c6d-000000004002\",\"type\":\"OrderPlaced\",\"order_id\":\"4002\","
                + "\"at\":\"2026-11-20T09:00:00Z\"}";
        return "{\"Records\":[{\"messageId\":\"m-1\",\"receiptHandle\":\"r-1\",\"body\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(body)
                + ",\"attributes\":{\"ApproximateReceiveCount\":\"1\"},\"messageAttributes\":{},\"eventSource\":\"aws:sqs\","
                + "\"eventSourceARN\":\"arn:aws:sqs:us-east-1:000000000000:intake\",\"awsRegion\":\"us-east-1\"}]}";
    }
}
