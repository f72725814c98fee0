package io.inlet.aws.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.SamplePayloads;
import io.inlet.aws.SqsIngestHandler;
import io.inlet.aws.TestLambdaContext;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.aws.sqs.ReceivedMessages;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.FeedsLocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Control totals and receipts through the SQS ingest handler on S3Proxy: a file waits for its md5
 * sidecar and loads when the sidecar's notification comes; a file whose sidecar names another md5
 * is rejected with both values and gets its receipt in the watched bucket, whose own notification
 * is answered done without a ledger row.
 */
class ControlTotalsAndReceiptsTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    static final String FEEDS = """
            version: 1
            feeds:
              - name: acme
                bucket: vendor-drop
                key_pattern: "**"
                format: { type: csv }
                control_totals:
                  sidecar: { suffix: .md5, pattern: '^(?<md5>[0-9a-f]{32})', md5: md5, wait: PT2H }
                receipts: { prefix: receipts/ }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: ordered_at }
                  id: { strategy: column, column: order_id }
                  payload: { include: all, fields: { amount: { type: decimal } } }
                table: order_events
            """;

    @TempDir
    Path work;

    @Test
    void aSidecarLoadsItsWaitingFileAMismatchRejectsAndTheReceiptIsNeverIngested() throws Exception {
        S3.createBucket("vendor-drop");
        String data = "order_id,ordered_at,amount\n1,2026-11-20T08:00:00Z,1.10\n2,2026-11-20T08:00:00Z,oops\n";
        put("acme/a.csv", data);
        String ingestUrl = SQS.createQueue("ingest", Map.of());
        String arn = SQS.client().getQueueAttributes(b -> b.queueUrl(ingestUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        DataSource db = TestDatabase.fresh("order_events");
        FunctionSettings settings = new FunctionSettings(Files.writeString(work.resolve("feeds.yaml"), FEEDS).toString(),
                "jdbc:postgresql://test/inlet", "test", "test", null, Map.of(), null, "claim-checks/", null, Duration.ofSeconds(2), 8);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new S3BucketReader(S3.client())))
                .workerId("lambda").build();
        FunctionEnvironment env = new FunctionEnvironment(settings, S3.client(), SQS.client(), db, inlet);
        SqsIngestHandler handler = new SqsIngestHandler(env);

        handle(handler, env, ingestUrl, arn, "acme/a.csv");
        assertThat(text(db, "SELECT t.status || ' ' || f.status FROM inlet.control_totals t JOIN inlet.ingested_files f USING (file_id)"))
                .isEqualTo("WAITING IN_PROGRESS");
        assertThat(text(db, "SELECT count(*) FROM inlet.order_events")).isEqualTo("0");

        put("acme/a.csv.md5", md5(data) + "  a.csv\n");
        handle(handler, env, ingestUrl, arn, "acme/a.csv.md5");
        String other = data.replace("1.10", "1.20");
        put("acme/b.csv", other);
        put("acme/b.csv.md5", md5(data) + "  b.csv\n");
        handle(handler, env, ingestUrl, arn, "acme/b.csv");

        assertThat(text(db, "SELECT string_agg(object_key || ':' || status, ',' ORDER BY file_id) FROM inlet.ingested_files"))
                .isEqualTo("acme/a.csv:COMPLETED,acme/b.csv:REJECTED");
        assertThat(text(db, "SELECT first_error FROM inlet.ingested_files WHERE object_key = 'acme/b.csv'"))
                .isEqualTo("control totals do not match: md5 (sidecar): expected " + md5(data) + ", actual " + md5(other));
        assertThat(text(db, "SELECT count(*) FROM inlet.order_events")).isEqualTo("1");
        JsonNode receipt = new ObjectMapper().readTree(S3.client().getObjectAsBytes(b -> b.bucket("vendor-drop")
                .key("receipts/acme/b.csv.receipt.json")).asByteArray());
        assertThat(receipt.get("outcome").asText()).isEqualTo("REJECTED");
        assertThat(receipt.get("controlTotals").get(0).get("actual").asText()).isEqualTo(md5(other));
        JsonNode completed = new ObjectMapper().readTree(S3.client().getObjectAsBytes(b -> b.bucket("vendor-drop")
                .key("receipts/acme/a.csv.receipt.json")).asByteArray());
        assertThat(completed.get("rejected").get(0).get("reason").asText()).contains("<value withheld>").doesNotContain("oops");

        // the receipts' own notifications come back to the same queue: answered done, never ingested
        handle(handler, env, ingestUrl, arn, "receipts/acme/b.csv.receipt.json", "receipts/acme/a.csv.receipt.csv");
        handle(handler, env, ingestUrl, arn, "acme/a.csv"); // a redelivery rewrites, never adds a key
        assertThat(text(db, "SELECT count(*) FROM inlet.ingested_files")).isEqualTo("2");
        List<String> receipts = S3.client().listObjectsV2(b -> b.bucket("vendor-drop").prefix("receipts/")).contents().stream()
                .map(S3Object::key).sorted().toList();
        assertThat(receipts).containsExactly("receipts/acme/a.csv.receipt.csv", "receipts/acme/a.csv.receipt.json",
                "receipts/acme/b.csv.receipt.csv", "receipts/acme/b.csv.receipt.json");
    }

    private static void put(String key, String content) {
        S3.client().putObject(b -> b.bucket("vendor-drop").key(key), RequestBody.fromString(content));
    }

    private static void handle(SqsIngestHandler handler, FunctionEnvironment env, String url, String arn, String... keys) {
        for (String key : keys) {
            long size = S3.client().headObject(b -> b.bucket("vendor-drop").key(key)).contentLength();
            String notification = SamplePayloads.read(SamplePayloads.OWN.resolve("s3-put-direct.json"))
                    .replace("inlet-vendor-drop", "vendor-drop").replace("acme/orders/2024-05-01.csv", key)
                    .replace("\"size\": 2048", "\"size\": " + size);
            SQS.client().sendMessage(b -> b.queueUrl(url).messageBody(notification));
        }
        List<Message> received = SQS.client().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(2)
                .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        assertThat(received).hasSize(keys.length);
        SQSBatchResponse response = handler.handleRequest(ReceivedMessages.asSqsEvent(received, arn, env.lambdaJson()),
                TestLambdaContext.withTimeout(60_000));
        assertThat(response.getBatchItemFailures()).isEmpty();
        for (Message m : received) SQS.client().deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
    }

    private static String md5(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    static String text(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
