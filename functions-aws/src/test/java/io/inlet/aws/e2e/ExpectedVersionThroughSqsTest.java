package io.inlet.aws.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.SqsIngestHandler;
import io.inlet.aws.TestLambdaContext;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.aws.sqs.ReceivedMessages;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.FeedsLocation;
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
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The {@code expectedVersion} SQS message attribute through ElasticMQ and the SQS handler: a message
 * at the stream's version appends, a second one expecting the same version is reported failed (so the
 * redrive policy dead-letters it) and recorded as WRONG_EXPECTED_VERSION with both versions.
 */
class ExpectedVersionThroughSqsTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    static DataSource db;
    static FunctionEnvironment env;

    @BeforeAll
    static void wire() {
        db = TestDatabase.fresh("sample_messages", "sample_orders");
        FunctionSettings settings = new FunctionSettings("classpath:aws-samples-feeds.yaml", "jdbc:postgresql://test/inlet",
                "test", "test", null, Map.of(), null, "claim-checks/", null, Duration.ofSeconds(2), 4);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new S3BucketReader(S3.client())))
                .workerId("expected-version").build();
        env = new FunctionEnvironment(settings, S3.client(), SQS.client(), db, inlet);
    }

    @Test
    void aSecondWriterAtTheSameExpectedVersionIsDeadLetteredAsWrongExpectedVersion() throws Exception {
        String url = SQS.createQueue("orders-events");
        String arn = SQS.client().getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        for (String status : List.of("PLACED", "CANCELLED")) {
            SQS.client().sendMessage(b -> b.queueUrl(url).messageBody("{\"orderId\": \"EV-1\", \"status\": \"" + status + "\"}")
                    .messageAttributes(Map.of("expectedVersion", MessageAttributeValue.builder().dataType("Number").stringValue("0").build())));
        }
        List<Message> received = new ArrayList<>();
        while (received.size() < 2) {
            received.addAll(SQS.client().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages());
        }
        SQSEvent event = ReceivedMessages.asSqsEvent(received, arn, env.lambdaJson());

        SQSBatchResponse response = new SqsIngestHandler(env).handleRequest(event, TestLambdaContext.withTimeout(60_000));

        String loser = received.get(1).messageId();
        assertThat(response.getBatchItemFailures()).extracting(f -> f.getItemIdentifier()).containsExactly(loser);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT message_id, status, reason FROM inlet.processed_messages ORDER BY first_seen, message_id");
             ResultSet rs = ps.executeQuery()) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) rows.add(rs.getString(1) + " " + rs.getString(2) + (rs.getString(3) == null ? "" : " " + rs.getString(3)));
            assertThat(rows).contains(received.get(0).messageId() + " PROCESSED",
                    loser + " FAILED WRONG_EXPECTED_VERSION: stream 'order-EV-1' of sample_messages is at version 1, expected 0");
        }
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT event_type, stream_version FROM sample_messages WHERE stream_id = 'order-EV-1'");
             ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1) + " v" + rs.getLong(2)).isEqualTo("PLACED v1");
            assertThat(rs.next()).isFalse();
        }
    }
}
