package io.inlet.aws.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.SqsIngestHandler;
import io.inlet.aws.TestLambdaContext;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.aws.sqs.ClaimCheck;
import io.inlet.aws.sqs.ReceivedMessages;
import io.inlet.aws.sqs.SqsEventPublisher;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.FeedsLocation;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Large-message pointers in the SQS Extended Client / Powertools format, both ways, on S3Proxy and
 * ElasticMQ: Inlet's claim checks are read by Inlet and by a consumer that knows only the format; pointers
 * other senders write (either size attribute) are resolved from allow-listed buckets only; a refused
 * pointer or a missing object is given up with its reason; S3 unreachable leaves the record to come back.
 */
class LargeMessagePointerTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    static final String TABLE = "sample_messages";
    static final String QUEUE_ARN = "arn:aws:sqs:eu-west-1:111122223333:orders-events";
    static final String POINTER_CLASS = "software.amazon.payloadoffloading.PayloadS3Pointer";
    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger GETS = new AtomicInteger();

    static DataSource db;
    static Inlet inlet;
    static FunctionEnvironment env;

    @BeforeAll
    static void wire() {
        db = TestDatabase.fresh(TABLE, "sample_orders");
        S3.createBucket("claim-checks");
        S3.createBucket("partner-large");
        S3.createBucket("elsewhere");
        FunctionSettings settings = settings();
        inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new S3BucketReader(S3.client())))
                .workerId("pointers").build();
        S3Client counting = S3.newClient(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof GetObjectRequest) GETS.incrementAndGet();
            }
        });
        env = new FunctionEnvironment(settings, counting, SQS.client(), db, inlet);
    }

    static FunctionSettings settings() {
        return new FunctionSettings("classpath:aws-samples-feeds.yaml", "jdbc:postgresql://test/inlet", "test", "test", null,
                Map.of(), "claim-checks", "outbox/", null, Duration.ofSeconds(2), 4, SqsEventPublisher.MAX_MESSAGE_BYTES,
                Set.of("partner-large"));
    }

    @Test
    void aLargeEventInletPublishesIsReadBackByInletAndByAConsumerThatKnowsOnlyTheFormat() throws Exception {
        String url = SQS.createQueue("orders-events");
        String arn = SQS.client().getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String body = orders("RT", 4000); // well over 256 KiB
        assertThat(body.length()).isGreaterThan(SqsEventPublisher.MAX_MESSAGE_BYTES);
        OutboxMessage event = new OutboxMessage(1, "orders", UUID.randomUUID(), "OrdersPlaced", 1, "batch-1", null, body, null);
        PublishResult published;
        try (SqsEventPublisher publisher = new SqsEventPublisher(SQS.client(), S3.client(), Map.of("orders", url),
                new ClaimCheck("claim-checks", "outbox/"))) {
            published = publisher.publish(List.of(event));
        }
        assertThat(published.failed()).isEmpty();
        List<Message> received = SQS.client().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        assertThat(received).hasSize(1);

        // a consumer with only the format: the body is the pointer array, the attribute the size
        Message raw = received.get(0);
        JsonNode pointer = JSON.readTree(raw.body());
        assertThat(pointer.get(0).asText()).isEqualTo(POINTER_CLASS);
        assertThat(raw.messageAttributes().get("ExtendedPayloadSize").dataType()).isEqualTo("Number");
        assertThat(raw.messageAttributes().get("ExtendedPayloadSize").stringValue()).isEqualTo(Integer.toString(body.length()));
        String fetched = S3.client().getObjectAsBytes(b -> b.bucket(pointer.get(1).get("s3BucketName").asText())
                .key(pointer.get(1).get("s3Key").asText())).asUtf8String();
        assertThat(fetched).isEqualTo(body);

        // Inlet consuming the same message
        SQSEvent sqsEvent = ReceivedMessages.asSqsEvent(received, arn, env.lambdaJson());
        SQSBatchResponse response = new SqsIngestHandler(env).handleRequest(sqsEvent, TestLambdaContext.withTimeout(60_000));
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(storedCount(raw.messageId())).isEqualTo(4000);
    }

    @ParameterizedTest(name = "size attribute {0}")
    @ValueSource(strings = {"ExtendedPayloadSize", "SQSLargePayloadSize"})
    void aPointerAnotherSenderWroteToAnAllowedBucketIsResolvedWithEitherSizeAttribute(String attribute) throws Exception {
        String id = UUID.randomUUID().toString();
        String body = orders("P" + attribute.length(), 3);
        S3.client().putObject(b -> b.bucket("partner-large").key("in/" + id), software.amazon.awssdk.core.sync.RequestBody
                .fromString(body));
        ObjectNode record = record(id, pointer("partner-large", "in/" + id));
        attribute(record, attribute, Integer.toString(body.length()), "Number");

        assertThat(handle(record)).isEmpty();

        assertThat(storedCount(id)).isEqualTo(3);
    }

    @Test
    void aPointerToABucketNotAllowedIsGivenUpWithItsReasonAndNeverFetched() throws Exception {
        String id = UUID.randomUUID().toString();
        S3.client().putObject(b -> b.bucket("elsewhere").key("in/" + id), software.amazon.awssdk.core.sync.RequestBody
                .fromString(orders("X", 1)));
        ObjectNode record = record(id, pointer("elsewhere", "in/" + id));
        attribute(record, "ExtendedPayloadSize", "100", "Number");
        int getsBefore = GETS.get();

        assertThat(handle(record)).containsExactly(id);

        assertThat(GETS.get()).isEqualTo(getsBefore);
        assertThat(storedCount(id)).isZero();
        assertThat(failure(id)).contains("large-message pointer names bucket 'elsewhere', which is not in "
                + "INLET_CLAIM_CHECK_ALLOWED_BUCKETS [claim-checks, partner-large]; not fetched");
    }

    @Test
    void aPointerToAMissingObjectIsGivenUpWithItsReason() throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode record = record(id, pointer("partner-large", "gone/" + id));
        attribute(record, "ExtendedPayloadSize", "100", "Number");

        assertThat(handle(record)).containsExactly(id);

        assertThat(failure(id)).contains("large-message object s3://partner-large/gone/" + id + " does not exist");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"orderId\":\"A-1\"}", "[\"" + POINTER_CLASS + "\",{\"s3BucketName\":1,\"s3Key\":\"k\"}]",
            "[\"" + POINTER_CLASS + "\",{\"s3BucketName\":\"partner-large\"}]", "[\"" + POINTER_CLASS + "\",\"k\"]"})
    void aMessageMarkedAsAPointerWhoseBodyIsNotOneIsGivenUpWithItsReason(String body) throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode record = record(id, body);
        attribute(record, "ExtendedPayloadSize", "100", "Number");

        assertThat(handle(record)).containsExactly(id);

        assertThat(storedCount(id)).isZero();
        assertThat(failure(id)).containsAnyOf("is not a " + POINTER_CLASS + " pointer", "large-message pointer is malformed");
    }

    @Test
    void s3UnreachableLeavesTheRecordToComeBackWithoutRecordingAFailure() throws Exception {
        S3Client unreachable = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:9"))
                .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create())
                .httpClient(UrlConnectionHttpClient.create()).forcePathStyle(true)
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD).apiCallTimeout(Duration.ofSeconds(5)))
                .build();
        FunctionEnvironment offline = new FunctionEnvironment(settings(), unreachable, SQS.client(), db, inlet);
        String id = UUID.randomUUID().toString();
        ObjectNode record = record(id, pointer("partner-large", "in/" + id));
        attribute(record, "ExtendedPayloadSize", "100", "Number");

        assertThat(handle(offline, record)).containsExactly(id);

        assertThat(failure(id)).isNull();
        assertThat(storedCount(id)).isZero();
    }

    @Test
    void anArrayBodyThatMerelyLooksLikeAPointerIsNotOneWithoutTheClassName() throws Exception {
        String id = UUID.randomUUID().toString();
        // the plain-JSON array path is untouched by pointer resolution
        assertThat(handle(record(id, orders("N", 2)))).isEmpty();
        assertThat(storedCount(id)).isEqualTo(2);
    }

    // ---------------------------------------------------------------- helpers

    static String orders(String prefix, int n) {
        ArrayNode orders = JSON.createArrayNode();
        for (int i = 0; i < n; i++) {
            orders.addObject().put("orderId", prefix + "-" + i).put("status", "PLACED").put("note", "x".repeat(60));
        }
        return orders.toString();
    }

    static String pointer(String bucket, String key) {
        ArrayNode p = JSON.createArrayNode().add(POINTER_CLASS);
        p.addObject().put("s3BucketName", bucket).put("s3Key", key);
        return p.toString();
    }

    static ObjectNode record(String messageId, String body) {
        ObjectNode r = JSON.createObjectNode().put("messageId", messageId).put("receiptHandle", "rh-" + messageId)
                .put("body", body).put("md5OfBody", "0").put("eventSource", "aws:sqs").put("eventSourceARN", QUEUE_ARN)
                .put("awsRegion", "eu-west-1");
        r.putObject("attributes").put("ApproximateReceiveCount", "1");
        r.putObject("messageAttributes");
        return r;
    }

    static void attribute(ObjectNode record, String name, String value, String type) {
        ObjectNode a = ((ObjectNode) record.get("messageAttributes")).putObject(name);
        a.put("stringValue", value).put("dataType", type);
        a.putArray("stringListValues");
        a.putArray("binaryListValues");
    }

    static List<String> handle(ObjectNode record) {
        return handle(env, record);
    }

    static List<String> handle(FunctionEnvironment environment, ObjectNode record) {
        ObjectNode event = JSON.createObjectNode();
        event.putArray("Records").add(record);
        SQSBatchResponse response = new SqsIngestHandler(environment).handleRequest(
                environment.lambdaJson().sqsEvent(event.toString()), TestLambdaContext.withTimeout(60_000));
        List<String> ids = new ArrayList<>();
        response.getBatchItemFailures().forEach(f -> ids.add(f.getItemIdentifier()));
        return ids;
    }

    static int storedCount(String messageId) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM " + TABLE + " WHERE causation_id = ?")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    static String failure(String messageId) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT reason FROM inlet.processed_messages WHERE message_id = ? AND status = 'FAILED'")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
