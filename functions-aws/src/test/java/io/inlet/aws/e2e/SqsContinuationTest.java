package io.inlet.aws.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.SamplePayloads;
import io.inlet.aws.SqsIngestHandler;
import io.inlet.aws.TestLambdaContext;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.trigger.FeedsLocation;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.sqs.Continuations;
import io.inlet.aws.sqs.ReceivedMessages;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A file larger than one invocation can finish: each invocation ingests until its deadline,
 * checkpoints, and sends a continuation to the ingest queue; the next invocation resumes with a
 * ranged read. The slices together give exactly the events of one pass.
 */
class SqsContinuationTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    static final int ROWS = 30_000;

    @Test
    void aFileTooBigForOneInvocationIsHandedOnThroughTheQueueUntilDone() throws Exception {
        S3.createBucket("vendor-drop");
        StringBuilder csv = new StringBuilder("order_id,ordered_at,amount,quantity\n");
        for (int i = 1; i <= ROWS; i++) csv.append(i).append(",2026-11-20T08:00:00Z,").append(i % 500).append(".10,").append(i % 9 + 1).append('\n');
        S3.client().putObject(b -> b.bucket("vendor-drop").key("acme/big.csv"), RequestBody.fromString(csv.toString()));
        String ingestUrl = SQS.createQueue("ingest", Map.of());
        String ingestArn = SQS.client().getQueueAttributes(b -> b.queueUrl(ingestUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);

        DataSource db = TestDatabase.fresh("order_events", "downstream_events");
        FunctionSettings settings = new FunctionSettings("classpath:aws-e2e-feeds.yaml", "jdbc:postgresql://test/inlet",
                "test", "test", null, Map.of(), null, "claim-checks/", null, Duration.ofSeconds(2), 8);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new S3BucketReader(S3.client()))).workerId("lambda").build();
        FunctionEnvironment env = new FunctionEnvironment(settings, S3.client(), SQS.client(), db, inlet);
        long size = S3.client().headObject(b -> b.bucket("vendor-drop").key("acme/big.csv")).contentLength();
        String notification = SamplePayloads.read(SamplePayloads.OWN.resolve("s3-put-direct.json"))
                .replace("inlet-vendor-drop", "vendor-drop").replace("acme/orders/2024-05-01.csv", "acme/big.csv")
                .replace("\"size\": 2048", "\"size\": " + size);
        SQS.client().sendMessage(b -> b.queueUrl(ingestUrl).messageBody(notification));

        SqsIngestHandler handler = new SqsIngestHandler(env);
        int invocations = 0;
        List<String> continuations = new ArrayList<>();
        while (!"COMPLETED".equals(text(db, "SELECT coalesce(max(status), '') FROM inlet.ingested_files")) && invocations < 60) {
            List<Message> received = SQS.client().receiveMessage(b -> b.queueUrl(ingestUrl).maxNumberOfMessages(10).waitTimeSeconds(2)
                    .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (received.isEmpty()) continue;
            for (Message m : received) {
                if (m.messageAttributes().containsKey(Continuations.ATTRIBUTE)) {
                    continuations.add(m.messageAttributes().get(Continuations.ATTRIBUTE).stringValue());
                }
            }
            invocations++;
            // 2.3 s remaining with a 2 s safety margin: about 300 ms of work per invocation
            SQSBatchResponse response = handler.handleRequest(ReceivedMessages.asSqsEvent(received, ingestArn, env.lambdaJson()),
                    TestLambdaContext.withTimeout(2_300));
            assertThat(response.getBatchItemFailures()).as("invocation %d", invocations).isEmpty();
            // the event source mapping deletes what the function did not report failed
            for (Message m : received) SQS.client().deleteMessage(b -> b.queueUrl(ingestUrl).receiptHandle(m.receiptHandle()));
        }

        assertThat(text(db, "SELECT status || ' ' || records_read || ' ' || appended FROM inlet.ingested_files"))
                .isEqualTo("COMPLETED " + ROWS + " " + ROWS);
        assertThat(invocations).isGreaterThanOrEqualTo(3);
        assertThat(continuations).hasSize(invocations - 1).allMatch(c -> c.startsWith("file 1 from record "));
        assertThat(text(db, "SELECT count(*) FROM inlet.ingest_slices")).isEqualTo(String.valueOf(invocations));
        assertThat(text(db, "SELECT count(DISTINCT event_id) || ' ' || count(*) || ' ' || max(stream_version) FROM inlet.order_events"))
                .isEqualTo(ROWS + " " + ROWS + " 1");
        assertThat(text(db, "SELECT count(*) FROM inlet.outbox")).isEqualTo(String.valueOf(ROWS));
    }

    static String text(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
