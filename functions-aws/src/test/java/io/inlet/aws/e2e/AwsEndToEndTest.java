package io.inlet.aws.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.Inlet;
import io.inlet.aws.EventBridgeObjectHandler;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.OutboxRelayHandler;
import io.inlet.aws.S3ObjectHandler;
import io.inlet.aws.SamplePayloads;
import io.inlet.aws.SqsIngestHandler;
import io.inlet.aws.TestLambdaContext;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.trigger.FeedsLocation;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.metrics.EmfLines;
import io.inlet.aws.sqs.ReceivedMessages;
import io.inlet.outbox.RelayReport;
import io.inlet.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole AWS path inside the test JVM: a vendor file put into S3 (S3Proxy) -> S3 handler with
 * the notification -> events in PostgreSQL -> relay handler -> messages on an SQS FIFO queue
 * (ElasticMQ) -> SQS handler invoked on the received messages -> appended once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AwsEndToEndTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    static final String BUCKET = "vendor-drop";
    static final String KEY = "acme/orders/2026-11-20 batch+1.csv";
    static final String ENCODED_KEY = "acme/orders/2026-11-20+batch%2B1.csv";
    static final String CSV = """
            order_id,ordered_at,amount,quantity
            1001,2026-11-20T08:00:00Z,19.90,2
            1002,2026-11-20T08:05:00Z,5.00,1
            1003,2026-11-20T08:10:00Z,120.00,12
            """;

    static DataSource db;
    static FunctionEnvironment env;
    static String outUrl;
    static String outArn;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void wire() {
        S3.createBucket(BUCKET);
        outUrl = SQS.createQueue("orders-out.fifo", Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false"));
        outArn = SQS.client().getQueueAttributes(b -> b.queueUrl(outUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        db = TestDatabase.fresh("order_events", "downstream_events");
        env = environment(Map.of("orders", outUrl));
    }

    static FunctionEnvironment environment(Map<String, String> destinations) {
        FunctionSettings settings = new FunctionSettings("classpath:aws-e2e-feeds.yaml", "jdbc:postgresql://test/inlet",
                "test", "test", null, destinations, null, "claim-checks/", null, Duration.ofSeconds(2), 4);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new S3BucketReader(S3.client())))
                .workerId("e2e").build();
        return new FunctionEnvironment(settings, S3.client(), SQS.client(), db, inlet);
    }

    @Test
    @Order(1)
    void vendorFileGoesFromS3ThroughTheQueueIntoTheDownstreamTable() throws Exception {
        S3.client().putObject(b -> b.bucket(BUCKET).key(KEY), RequestBody.fromString(CSV));

        List<String> first = new S3ObjectHandler(env).handleRequest(putNotification(ENCODED_KEY, KEY),
                TestLambdaContext.withTimeout(60_000));
        assertThat(first).containsExactly("COMPLETED vendor-drop/" + KEY);
        assertThat(count("order_events")).isEqualTo(3);

        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        RelayReport relayed;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            relayed = new OutboxRelayHandler(env).handleRequest(Map.of(), TestLambdaContext.withTimeout(60_000));
        } finally {
            System.setOut(stdout);
        }
        assertThat(relayed.published()).isEqualTo(3);
        assertThat(relayed.failed()).isZero();
        assertThat(relayed.pending()).isZero();
        // the relay's metrics, as the EMF line CloudWatch Logs extracts them from
        JsonNode metrics = EmfLines.of(captured.toString(StandardCharsets.UTF_8)).withMetric("RelayPublished").orElseThrow();
        assertThat(metrics.path("RelayPublished").asLong()).isEqualTo(3);
        assertThat(metrics.path("RelayPublishFailures").isMissingNode()).isTrue();
        assertThat(metrics.path("OutboxPending").asLong()).isZero();
        assertThat(metrics.path("OutboxLagSeconds").asDouble()).isZero();

        List<Message> received = receive(outUrl, 3);
        assertThat(received).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                .containsExactlyInAnyOrder("order-1001", "order-1002", "order-1003");
        for (Message m : received) {
            JsonNode cloudEvent = JSON.readTree(m.body());
            assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                    .isEqualTo(cloudEvent.path("id").asText());
            assertThat(cloudEvent.path("subject").asText()).isEqualTo(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
            assertThat(m.messageAttributes().get("eventType").stringValue()).isEqualTo("OrderPlaced");
            assertThat(m.messageAttributes().get("schemaVersion").stringValue()).isEqualTo("1");
        }

        SQSEvent batch = ReceivedMessages.asSqsEvent(received, outArn, env.lambdaJson());
        SQSBatchResponse response = new SqsIngestHandler(env).handleRequest(batch, TestLambdaContext.withTimeout(60_000));
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(count("downstream_events")).isEqualTo(3);

        // the same batch delivered again appends nothing
        SQSBatchResponse again = new SqsIngestHandler(env).handleRequest(batch, TestLambdaContext.withTimeout(60_000));
        assertThat(again.getBatchItemFailures()).isEmpty();
        assertThat(count("downstream_events")).isEqualTo(3);
    }

    @Test
    @Order(2)
    void theSameNotificationTwiceAndTenTimesConcurrentlyAppendsNoDuplicates() throws Exception {
        S3Event event = putNotification(ENCODED_KEY, KEY);
        assertThat(new S3ObjectHandler(env).handleRequest(event, TestLambdaContext.withTimeout(60_000)))
                .containsExactly("ALREADY_COMPLETED vendor-drop/" + KEY);

        String other = "acme/orders/2026-11-21.csv";
        S3.client().putObject(b -> b.bucket(BUCKET).key(other), RequestBody.fromString(CSV.replace("100", "200")));
        S3Event otherEvent = putNotification(other, other);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Callable<List<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(() -> {
                    try {
                        return new S3ObjectHandler(env).handleRequest(otherEvent, TestLambdaContext.withTimeout(60_000));
                    } catch (RuntimeException e) {
                        return List.of("THREW " + e.getMessage());
                    }
                });
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<List<String>> f : pool.invokeAll(calls)) outcomes.addAll(f.get());
            assertThat(outcomes).contains("COMPLETED vendor-drop/" + other);
        } finally {
            pool.shutdown();
        }
        assertThat(count("order_events")).isEqualTo(6);
        assertThat(countDistinct("order_events", "event_id")).isEqualTo(6);
    }

    @Test
    @Order(3)
    void eventBridgeObjectCreatedIngestsTheKeyAsGiven() throws Exception {
        String key = "acme/eb/2026-11-22 a+b%2B.csv";
        S3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(CSV.replace("100", "300")));
        String json = SamplePayloads.read(SamplePayloads.OWN.resolve("eventbridge-object-created.json"))
                .replace("inlet-vendor-drop", BUCKET)
                .replace("acme/orders/2024-05-04 east+west%2B.csv", key)
                .replace("\"version-id\": \"IYV3p45BT0ac8hjHg1houSdS1a.Mro8e\",", "");
        String result = new EventBridgeObjectHandler(env).handleRequest(env.lambdaJson().scheduledEvent(json),
                TestLambdaContext.withTimeout(60_000));
        assertThat(result).isEqualTo("COMPLETED vendor-drop/" + key);
        assertThat(count("order_events")).isEqualTo(9);
    }

    @Test
    @Order(4)
    void aPoisonMessageIsReportedFailedEachTimeAndMovedToTheDeadLetterQueue() throws Exception {
        SqsEmulator.DeadLetteredQueue intake = SQS.createQueueWithDeadLetter("intake", 2, 1);
        SQS.client().sendMessage(b -> b.queueUrl(intake.url()).messageBody("order 4001 placed, not JSON"));
        SQS.client().sendMessage(b -> b.queueUrl(intake.url()).messageBody(
                "{\"id\":\"9f0e0c1a-4002-4b5b-8c6d-000000004002\",\"type\":\"OrderPlaced\",\"order_id\":\"4002\","
                        + "\"at\":\"2026-11-20T09:00:00Z\"}"));
        SqsIngestHandler handler = new SqsIngestHandler(env);
        List<String> reportedFailed = new ArrayList<>();
        String poisonId = null;
        long until = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < until) {
            List<Message> got = SQS.client().receiveMessage(b -> b.queueUrl(intake.url()).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (got.isEmpty()) {
                if (!SQS.client().receiveMessage(b -> b.queueUrl(intake.deadLetterUrl()).waitTimeSeconds(0)).messages()
                        .isEmpty()) break;
                continue;
            }
            SQSBatchResponse response = handler.handleRequest(ReceivedMessages.asSqsEvent(got, intake.arn(), env.lambdaJson()),
                    TestLambdaContext.withTimeout(60_000));
            List<String> failedIds = response.getBatchItemFailures().stream()
                    .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
            reportedFailed.addAll(failedIds);
            // the event source mapping deletes what succeeded and leaves the failures to the visibility timeout
            for (Message m : got) {
                if (failedIds.contains(m.messageId())) {
                    poisonId = m.messageId();
                } else {
                    SQS.client().deleteMessage(b -> b.queueUrl(intake.url()).receiptHandle(m.receiptHandle()));
                }
            }
        }
        assertThat(poisonId).isNotNull();
        assertThat(reportedFailed).containsExactly(poisonId, poisonId);
        assertThat(count("downstream_events")).isEqualTo(4);
        try (Connection c = db.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT channel, status, attempts, reason FROM processed_messages WHERE message_id = ?")) {
            ps.setString(1, poisonId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("channel")).isEqualTo("intake");
                assertThat(rs.getString("status")).isEqualTo("FAILED");
                assertThat(rs.getInt("attempts")).isEqualTo(2);
                assertThat(rs.getString("reason")).startsWith("message body is not JSON");
            }
        }
    }

    @Test
    @Order(5)
    void recordsNotStartedBeforeTheSafetyMarginAreAllReportedFailed() throws Exception {
        String body = SamplePayloads.read(SamplePayloads.OWN.resolve("sqs-fifo-batch.json"));
        SQSEvent event = env.lambdaJson().sqsEvent(body);
        // 1.5 s left with a 2 s margin: nothing is started
        SQSBatchResponse response = new SqsIngestHandler(env).handleRequest(event, TestLambdaContext.withRemaining(() -> 1500));
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("9c1d2e3f-0001-4a5b-8c6d-000000000001", "9c1d2e3f-0002-4a5b-8c6d-000000000002",
                        "9c1d2e3f-0003-4a5b-8c6d-000000000003", "9c1d2e3f-0004-4a5b-8c6d-000000000004");
    }

    @Test
    @Order(6)
    void onAFifoQueueAFailedRecordStopsTheRestOfItsGroupWhileOtherGroupsGoOn() throws Exception {
        SQSEvent event = env.lambdaJson().sqsEvent(SamplePayloads.read(SamplePayloads.OWN.resolve("sqs-fifo-batch.json")));
        List<SQSEvent.SQSMessage> records = event.getRecords(); // groups A, B, A, B
        records.forEach(r -> r.setEventSourceArn("arn:aws:sqs:eu-west-1:111122223333:intake"));
        records.get(0).setBody("not JSON at all");
        records.get(1).setBody(intakeBody("5001", "a1b2c3d4-5001-4b5b-8c6d-000000005001"));
        records.get(2).setBody(intakeBody("5002", "a1b2c3d4-5002-4b5b-8c6d-000000005002"));
        records.get(3).setBody(intakeBody("5003", "a1b2c3d4-5003-4b5b-8c6d-000000005003"));
        long before = count("downstream_events");

        SQSBatchResponse response = new SqsIngestHandler(env).handleRequest(event, TestLambdaContext.withTimeout(60_000));

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("9c1d2e3f-0001-4a5b-8c6d-000000000001", "9c1d2e3f-0003-4a5b-8c6d-000000000003");
        assertThat(count("downstream_events")).isEqualTo(before + 2);
    }

    private static String intakeBody(String orderId, String id) {
        return "{\"id\":\"" + id + "\",\"type\":\"OrderPaid\",\"order_id\":\"" + orderId
                + "\",\"at\":\"2026-11-20T10:00:00Z\"}";
    }

    /** The project's direct-put sample, pointed at an object put into the emulator (key as S3 encodes it). */
    private static S3Event putNotification(String encodedKey, String key) {
        long size = S3.client().headObject(b -> b.bucket(BUCKET).key(key)).contentLength();
        String json = SamplePayloads.read(SamplePayloads.OWN.resolve("s3-put-direct.json"))
                .replace("inlet-vendor-drop", BUCKET)
                .replace("acme/orders/2024-05-01.csv", encodedKey)
                .replace("\"size\": 2048", "\"size\": " + size);
        return env.lambdaJson().s3Event(json);
    }

    private static List<Message> receive(String queueUrl, int expected) {
        List<Message> out = new ArrayList<>();
        long until = System.currentTimeMillis() + 10_000;
        while (out.size() < expected && System.currentTimeMillis() < until) {
            for (Message m : SQS.client().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages()) {
                out.add(m);
                SQS.client().deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        assertThat(out).hasSize(expected);
        return out;
    }

    static long count(String table) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long countDistinct(String table, String column) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(DISTINCT " + column + ") FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
