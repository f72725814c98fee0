package io.inlet.aws.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.SqsIngestHandler;
import io.inlet.aws.TestLambdaContext;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.trigger.FeedsLocation;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.trigger.Delivery;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.sqs.ReceivedMessages;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Plain JSON bodies and message attributes through the SQS handler as the runtime delivers them
 * (events read with the Lambda runtime's serialisation; one round trip through ElasticMQ): an array
 * body is one event per element, every attribute reaches the core (Binary as base64), and the
 * schema version an attribute declares is stored, or the message fails naming the attribute.
 */
class MessageBodiesAndAttributesTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    static final String TABLE = "sample_messages";
    static final String QUEUE_ARN = "arn:aws:sqs:eu-west-1:111122223333:orders-events";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ARRAY = "[{\"orderId\": \"A-1\", \"status\": \"PLACED\"}, {\"orderId\": \"A-2\", \"status\": \"PLACED\"}]";

    static DataSource db;
    static FunctionEnvironment env;

    @BeforeAll
    static void wire() {
        db = TestDatabase.fresh(TABLE, "sample_orders");
        FunctionSettings settings = new FunctionSettings("classpath:aws-samples-feeds.yaml", "jdbc:postgresql://test/inlet",
                "test", "test", null, Map.of(), null, "claim-checks/", null, Duration.ofSeconds(2), 4);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new S3BucketReader(S3.client())))
                .workerId("bodies").build();
        env = new FunctionEnvironment(settings, S3.client(), SQS.client(), db, inlet);
    }

    @Test
    void anArrayBodyIsOneEventPerElementWithTheSchemaVersionItsAttributeDeclares() throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode record = record(id, ARRAY);
        stringAttribute(record, "schemaVersion", "3", "Number");

        assertThat(handle(record)).isEmpty();

        assertThat(stored(id)).containsExactly("order-A-1 PLACED v3", "order-A-2 PLACED v3");
    }

    @Test
    void anArrayInsideAnSnsEnvelopeIsABusinessMessageToo() throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode sns = JSON.createObjectNode().put("Type", "Notification").put("MessageId", "sns-1")
                .put("TopicArn", "arn:aws:sns:eu-west-1:111122223333:orders").put("Message", ARRAY);

        assertThat(handle(record(id, sns.toString()))).isEmpty();

        assertThat(stored(id)).containsExactly("order-A-1 PLACED v1", "order-A-2 PLACED v1");
    }

    @Test
    void everyAttributeSentThroughTheQueueReachesTheCoreBinaryAsBase64() throws Exception {
        String url = SQS.createQueue("orders-events");
        String arn = SQS.client().getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        byte[] signature = {0, 1, 2, (byte) 0xff};
        SQS.client().sendMessage(b -> b.queueUrl(url).messageBody(ARRAY).messageAttributes(Map.of(
                "signature", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromByteArray(signature)).build(),
                "schemaVersion", MessageAttributeValue.builder().dataType("Number").stringValue("2").build(),
                "tenant", MessageAttributeValue.builder().dataType("String.tenant").stringValue("eu-1").build())));
        List<Message> received = SQS.client().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        SQSEvent event = ReceivedMessages.asSqsEvent(received, arn, env.lambdaJson());

        Delivery decoded = env.bodyDecoder().decode(event.getRecords().get(0), "orders-events").get(0);
        assertThat(decoded).isInstanceOf(Delivery.BusinessMessage.class);
        assertThat(((Delivery.BusinessMessage) decoded).message().attributes())
                .containsEntry("signature", "AAEC/w==").containsEntry("schemaVersion", "2").containsEntry("tenant", "eu-1");

        SQSBatchResponse response = new SqsIngestHandler(env).handleRequest(event, TestLambdaContext.withTimeout(60_000));
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(stored(received.get(0).messageId())).containsExactly("order-A-1 PLACED v2", "order-A-2 PLACED v2");
        // the feed's attribute_fields hand the binary attribute to the mapping: it is in every element's payload
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT payload->>'signature' FROM " + TABLE + " WHERE causation_id = ?")) {
            ps.setString(1, received.get(0).messageId());
            try (ResultSet rs = ps.executeQuery()) {
                int rows = 0;
                while (rs.next()) {
                    assertThat(rs.getString(1)).isEqualTo("AAEC/w==");
                    rows++;
                }
                assertThat(rows).isEqualTo(2);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "9223372036854775808", "2.5", "two", "2\u0000", "\u0000"})
    void aDeclaredSchemaVersionThatIsNotAWholeNumberFromOneIsDeadLetteredNamingTheAttribute(String hostile) throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode record = record(id, ARRAY);
        stringAttribute(record, "schemaVersion", hostile, "Number");

        assertThat(handle(record)).containsExactly(id);

        assertThat(stored(id)).isEmpty();
        assertThat(failure(id)).startsWith("message " + id + " on channel 'orders-events': attribute 'schemaVersion': "
                + "must be a whole number from 1 to 2147483647, found ");
    }

    @Test
    void aHugeAttributeIsRecordedWithAShortReason() throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode record = record(id, ARRAY);
        stringAttribute(record, "schemaVersion", "7".repeat(250_000), "Number");

        assertThat(handle(record)).containsExactly(id);

        assertThat(failure(id)).hasSizeLessThan(300).contains("(250000 characters)");
    }

    // ---------------------------------------------------------------- helpers

    static ObjectNode record(String messageId, String body) {
        ObjectNode r = JSON.createObjectNode().put("messageId", messageId).put("receiptHandle", "rh-" + messageId)
                .put("body", body).put("md5OfBody", "0").put("eventSource", "aws:sqs").put("eventSourceARN", QUEUE_ARN)
                .put("awsRegion", "eu-west-1");
        r.putObject("attributes").put("ApproximateReceiveCount", "1");
        r.putObject("messageAttributes");
        return r;
    }

    static void stringAttribute(ObjectNode record, String name, String value, String type) {
        ObjectNode a = ((ObjectNode) record.get("messageAttributes")).putObject(name);
        a.put("stringValue", value).put("dataType", type);
        a.putArray("stringListValues");
        a.putArray("binaryListValues");
    }

    /** The ids the handler reports failed, for one record deserialised as the runtime does. */
    static List<String> handle(ObjectNode record) {
        ObjectNode event = JSON.createObjectNode();
        event.putArray("Records").add(record);
        SQSBatchResponse response = new SqsIngestHandler(env).handleRequest(env.lambdaJson().sqsEvent(event.toString()),
                TestLambdaContext.withTimeout(60_000));
        List<String> ids = new ArrayList<>();
        response.getBatchItemFailures().forEach(f -> ids.add(f.getItemIdentifier()));
        return ids;
    }

    /** "stream type vN" of each event the message appended, in stream order. */
    static List<String> stored(String messageId) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT stream_id, event_type, schema_version FROM " + TABLE + " WHERE causation_id = ? ORDER BY stream_id")) {
            ps.setString(1, messageId);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1) + " " + rs.getString(2) + " v" + rs.getInt(3));
            }
            return out;
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
