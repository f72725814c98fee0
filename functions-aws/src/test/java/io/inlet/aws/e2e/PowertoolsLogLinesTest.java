package io.inlet.aws.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.SamplePayloads;
import io.inlet.aws.SqsIngestHandler;
import io.inlet.aws.TestLambdaContext;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.logging.LogCapture;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.aws.sqs.ReceivedMessages;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.FeedsLocation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The log lines a real SQS invocation writes (S3 notification through ElasticMQ, file on S3Proxy,
 * embedded PostgreSQL), through the layout logback.xml deploys: flat JSON in Powertools for AWS
 * Lambda (Java)'s shape, with the delivery's trace as the correlation id and counts as numbers.
 */
class PowertoolsLogLinesTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    static final String NOTICE_XRAY = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    static final String NOTICE_TRACE_ID = "5759e988bd862e3fe1be46a994272793";
    static final String LAMBDA_XRAY = "Root=1-6a1b2c3d-0123456789abcdef01234567;Parent=1111222233334444;Sampled=0";

    static FunctionEnvironment env;

    @BeforeAll
    static void wire() {
        S3.createBucket("vendor-drop");
        String out = SQS.createQueue("orders-out.fifo", Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false"));
        DataSource db = TestDatabase.fresh("order_events", "downstream_events");
        FunctionSettings settings = new FunctionSettings("classpath:aws-e2e-feeds.yaml", "jdbc:postgresql://test/inlet",
                "test", "test", null, Map.of("orders", out), null, "claim-checks/", null, Duration.ofSeconds(2), 4);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new S3BucketReader(S3.client())))
                .workerId("logs").build();
        env = new FunctionEnvironment(settings, S3.client(), SQS.client(), db, inlet);
    }

    @AfterEach
    void noLambdaTraceHeader() {
        System.clearProperty("com.amazonaws.xray.traceHeader");
    }

    @Test
    void anIngestedFileIsLoggedAsFlatPowertoolsJsonWithTheNoticesTraceAsCorrelationIdAndCountsAsNumbers() throws Exception {
        System.setProperty("com.amazonaws.xray.traceHeader", LAMBDA_XRAY);
        TestLambdaContext context = TestLambdaContext.withTimeout(60_000);
        List<JsonNode> lines;
        try (LogCapture logs = LogCapture.start("inlet-orders")) {
            invoke(noticeFor("acme/orders/logged.csv"), context);
            invoke(noticeFor("acme/orders/logged-again.csv"), TestLambdaContext.withTimeout(60_000));
            lines = logs.lines();
            assertThat(logs.text().split("\n")).hasSameSizeAs(lines);
        }

        JsonNode completed = lines.stream().filter(l -> l.path("message").asText().equals("object vendor-drop/acme/orders/logged.csv COMPLETED")
                || l.path("message").asText().startsWith("object vendor-drop/acme/orders/logged.csv")
                && l.path("outcome").asText().equals("COMPLETED")).findFirst().orElseThrow(() -> new AssertionError(lines.toString()));
        assertThat(completed.get("level").asText()).isEqualTo("INFO");
        assertThat(Instant.parse(completed.get("timestamp").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(completed.get("service").asText()).isEqualTo("inlet-orders");
        assertThat(completed.get("cold_start").isBoolean()).isTrue();
        assertThat(completed.get("function_name").asText()).isEqualTo("inlet-test");
        assertThat(completed.get("function_request_id").asText()).isEqualTo(context.getAwsRequestId());
        assertThat(completed.get("xray_trace_id").asText()).isEqualTo("1-6a1b2c3d-0123456789abcdef01234567");
        assertThat(completed.get("correlation_id").asText()).isEqualTo(NOTICE_TRACE_ID);
        assertThat(completed.get("records_appended").isIntegralNumber()).isTrue();
        assertThat(completed.get("records_appended").asLong()).isEqualTo(2);
        assertThat(completed.get("fileId").isIntegralNumber()).isTrue();
        assertThat(completed.get("files_ingested").asInt()).isEqualTo(1);
        assertThat(completed.get("bucket").asText()).isEqualTo("vendor-drop");
        assertThat(completed.has("kvpList")).isFalse();
        // every line of the invocations is flat Powertools JSON
        for (JsonNode line : lines) {
            assertThat(line.get("level").isTextual()).isTrue();
            assertThat(line.get("message").isTextual()).isTrue();
            assertThat(line.get("timestamp").isTextual()).isTrue();
            assertThat(line.get("service").asText()).isEqualTo("inlet-orders");
            assertThat(line.get("cold_start").isBoolean()).isTrue();
            assertThat(line.get("function_request_id").isTextual()).isTrue();
        }
        // the second invocation of the same environment is warm
        assertThat(lines.get(lines.size() - 1).get("cold_start").asBoolean()).isFalse();
    }

    private static void invoke(String notification, TestLambdaContext context) throws Exception {
        String queue = SQS.createQueue("notices-" + Math.abs(notification.hashCode()));
        SQS.client().sendMessage(SendMessageRequest.builder().queueUrl(queue).messageBody(notification)
                .messageSystemAttributes(Map.of(MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
                        MessageSystemAttributeValue.builder().dataType("String").stringValue(NOTICE_XRAY).build()))
                .build());
        SQSBatchResponse response = new SqsIngestHandler(env).handleRequest(
                ReceivedMessages.asSqsEvent(receive(queue), arn(queue), env.lambdaJson()), context);
        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    private static String noticeFor(String key) throws Exception {
        String csv = "order_id,ordered_at,amount,quantity\n9001,2026-11-20T08:00:00Z,1.50,1\n9002,2026-11-20T08:01:00Z,2.50,2\n";
        S3.client().putObject(b -> b.bucket("vendor-drop").key(key), RequestBody.fromString(csv));
        return SamplePayloads.read(SamplePayloads.OWN.resolve("s3-put-direct.json"))
                .replace("inlet-vendor-drop", "vendor-drop")
                .replace("acme/orders/2024-05-01.csv", key)
                .replace("\"size\": 2048", "\"size\": " + csv.length());
    }

    private static String arn(String url) {
        return SQS.client().getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private static List<Message> receive(String queueUrl) {
        List<Message> out = new ArrayList<>();
        long until = System.currentTimeMillis() + 10_000;
        while (out.isEmpty() && System.currentTimeMillis() < until) {
            for (Message m : SQS.client().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All").messageSystemAttributeNamesWithStrings("All")).messages()) {
                out.add(m);
                SQS.client().deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        assertThat(out).hasSize(1);
        return out;
    }
}
