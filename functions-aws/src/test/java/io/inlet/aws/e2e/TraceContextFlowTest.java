package io.inlet.aws.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.OutboxRelayHandler;
import io.inlet.aws.SamplePayloads;
import io.inlet.aws.SqsIngestHandler;
import io.inlet.aws.TestLambdaContext;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.trigger.FeedsLocation;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.sqs.ReceivedMessages;
import io.inlet.event.TraceContext;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Trace context through the AWS path, on ElasticMQ: the {@code AWSTraceHeader} or {@code traceparent}
 * of a received SQS record becomes the correlation id of what it causes, and the relay's messages
 * carry a {@code traceparent} in the same trace.
 */
class TraceContextFlowTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    static final String XRAY = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    static final String XRAY_TRACE_ID = "5759e988bd862e3fe1be46a994272793";
    static final String OTEL_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String OTEL_TRACEPARENT = "00-" + OTEL_TRACE_ID + "-00f067aa0ba902b7-01";

    static DataSource db;
    static FunctionEnvironment env;
    static String outUrl;
    static String outArn;

    @BeforeAll
    static void wire() {
        S3.createBucket("vendor-drop");
        outUrl = SQS.createQueue("orders-out.fifo", Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false"));
        outArn = arn(outUrl);
        db = TestDatabase.fresh("order_events", "downstream_events");
        FunctionSettings settings = new FunctionSettings("classpath:aws-e2e-feeds.yaml", "jdbc:postgresql://test/inlet",
                "test", "test", null, Map.of("orders", outUrl), null, "claim-checks/", null, Duration.ofSeconds(2), 4);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new S3BucketReader(S3.client())))
                .workerId("trace").build();
        env = new FunctionEnvironment(settings, S3.client(), SQS.client(), db, inlet);
    }

    @Test
    void theAwsTraceHeaderOfAReceivedMessageIsTheCorrelationIdOfItsEvents() throws Exception {
        String intake = SQS.createQueue("intake");
        SQS.client().sendMessage(SendMessageRequest.builder().queueUrl(intake).messageBody(intakeBody("7001", "1"))
                .messageSystemAttributes(Map.of(MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
                        MessageSystemAttributeValue.builder().dataType("String").stringValue(XRAY).build()))
                .build());
        SQS.client().sendMessage(SendMessageRequest.builder().queueUrl(intake).messageBody(intakeBody("7002", "2"))
                .messageSystemAttributes(Map.of(MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
                        MessageSystemAttributeValue.builder().dataType("String").stringValue(XRAY).build()))
                .messageAttributes(Map.of("traceparent",
                        MessageAttributeValue.builder().dataType("String").stringValue(OTEL_TRACEPARENT).build()))
                .build());

        List<Message> received = receive(intake, 2);
        assertThat(received).extracting(m -> m.attributesAsStrings().get("AWSTraceHeader")).containsOnly(XRAY);
        SQSBatchResponse response = new SqsIngestHandler(env).handleRequest(
                ReceivedMessages.asSqsEvent(received, arn(intake), env.lambdaJson()), TestLambdaContext.withTimeout(60_000));

        assertThat(response.getBatchItemFailures()).isEmpty();
        // the sender's own traceparent wins over the X-Ray header
        assertThat(query("SELECT stream_id || ' ' || correlation_id FROM downstream_events WHERE stream_id IN ('order-7001', 'order-7002') ORDER BY stream_id"))
                .containsExactly("order-7001 " + XRAY_TRACE_ID, "order-7002 " + OTEL_TRACE_ID);
    }

    @Test
    void anS3NotificationsTraceReachesTheDerivedMessagesAndTheirConsumer() throws Exception {
        String key = "acme/orders/traced.csv";
        String csv = "order_id,ordered_at,amount,quantity\n8001,2026-11-20T08:00:00Z,1.50,1\n8002,2026-11-20T08:01:00Z,2.50,2\n";
        S3.client().putObject(b -> b.bucket("vendor-drop").key(key), RequestBody.fromString(csv));
        String notices = SQS.createQueue("notices");
        String notification = SamplePayloads.read(SamplePayloads.OWN.resolve("s3-put-direct.json"))
                .replace("inlet-vendor-drop", "vendor-drop")
                .replace("acme/orders/2024-05-01.csv", key)
                .replace("\"size\": 2048", "\"size\": " + csv.length());
        SQS.client().sendMessage(SendMessageRequest.builder().queueUrl(notices).messageBody(notification)
                .messageSystemAttributes(Map.of(MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
                        MessageSystemAttributeValue.builder().dataType("String").stringValue(XRAY).build()))
                .build());

        SQSBatchResponse ingested = new SqsIngestHandler(env).handleRequest(
                ReceivedMessages.asSqsEvent(receive(notices, 1), arn(notices), env.lambdaJson()), TestLambdaContext.withTimeout(60_000));
        assertThat(ingested.getBatchItemFailures()).isEmpty();
        assertThat(query("SELECT correlation_id FROM ingested_files WHERE object_key = '" + key + "'")).containsExactly(XRAY_TRACE_ID);
        assertThat(query("SELECT correlation_id FROM order_events WHERE stream_id IN ('order-8001', 'order-8002')"))
                .containsExactly(XRAY_TRACE_ID, XRAY_TRACE_ID);

        new OutboxRelayHandler(env).handleRequest(Map.of(), TestLambdaContext.withTimeout(60_000));
        List<Message> derived = receive(outUrl, 2);
        for (Message m : derived) {
            String traceparent = m.messageAttributes().get("traceparent").stringValue();
            TraceContext sent = TraceContext.parse(traceparent).orElseThrow();
            assertThat(sent.traceId()).isEqualTo(XRAY_TRACE_ID);
            assertThat(sent.parentId()).isNotEqualTo("53995c3f42cd8ad8");
            assertThat(new ObjectMapper().readTree(m.body()).path("traceparent").asText()).isEqualTo(traceparent);
        }

        SQSBatchResponse consumed = new SqsIngestHandler(env).handleRequest(
                ReceivedMessages.asSqsEvent(derived, outArn, env.lambdaJson()), TestLambdaContext.withTimeout(60_000));
        assertThat(consumed.getBatchItemFailures()).isEmpty();
        assertThat(query("SELECT correlation_id FROM downstream_events WHERE stream_id IN ('order-8001', 'order-8002')"))
                .containsExactly(XRAY_TRACE_ID, XRAY_TRACE_ID);
    }

    private static String intakeBody(String orderId, String n) {
        return "{\"id\":\"9f0e0c1a-7000-4b5b-8c6d-00000000000" + n + "\",\"type\":\"OrderPaid\",\"order_id\":\"" + orderId
                + "\",\"at\":\"2026-11-20T10:00:00Z\"}";
    }

    private static String arn(String url) {
        return SQS.client().getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private static List<Message> receive(String queueUrl, int expected) {
        List<Message> out = new ArrayList<>();
        long until = System.currentTimeMillis() + 10_000;
        while (out.size() < expected && System.currentTimeMillis() < until) {
            for (Message m : SQS.client().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All").messageSystemAttributeNamesWithStrings("All")).messages()) {
                out.add(m);
                SQS.client().deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        assertThat(out).hasSize(expected);
        return out;
    }

    private static List<String> query(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
