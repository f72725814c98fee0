package io.inlet.aws.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.aws.sqs.SqsBatch;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.Delivery.ObjectNotice;
import io.inlet.trigger.Delivery.Undecodable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded search over hostile AWS payloads, read by the Lambda runtime's own serialisation: S3 events
 * whose records are null, half-filled or carry keys with {@code +}, {@code %2B}, a lone {@code %},
 * broken or non-UTF-8 escapes, NUL, 1,025 bytes, unicode variants; SQS records with missing ids and
 * broken system attributes. A decoder never throws, a batch never throws, and a key is never changed
 * silently. (A null record is refused by the runtime's serialisation before a handler runs, so only the
 * queue path sees one.) Replay: the failing seed is in the assertion message; set {@code SEED} to it.
 */
class HostileLambdaPayloadsTest {

    private static final long SEED = 15_2026L;
    private static final int CASES = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] KEYS = {
        "a+b", "a%2Bb", "%", "a%", "a%2", "%zz", "%C3%A9", "e%CC%81", "%C3%28", "%FF", "%ED%A0%80", "a%00b", "a\u0000b",
        "k".repeat(1025), "%E2%82", "", " ", "+", "%20", "caf%C3%A9+%2B",
    };
    private static final String[] NAMES = {"ObjectCreated:Put", "ObjectRemoved:Delete", "LifecycleExpiration:Delete",
        "ObjectRestore:Completed", ""};

    private final LambdaEventJson lambdaJson = new LambdaEventJson();
    private final SqsBodyDecoder bodies = new SqsBodyDecoder(lambdaJson);

    @Test
    void aKeyWhoseEscapesAreNotUtf8IsUndecodableNotReplacedSilently() {
        Delivery d = S3EventDecoder.decode(lambdaJson.s3Event(s3Event(record("ObjectCreated:Put", "bad%C3%28.csv")).toString()), null)
                .get(0);
        assertThat(d).isInstanceOf(Undecodable.class);
        assertThat(((Undecodable) d).reason()).contains("s3.object.key 'bad%C3%28.csv'");
    }

    @Test
    void brokenSqsSystemAttributesNeitherCrashTheDecoderNorTheBatch() {
        SQSMessage bad = sqs("m-bad", "{\"a\":1}", Map.of("ApproximateReceiveCount", "x", "SequenceNumber", "seq",
                "MessageGroupId", "g"));
        SQSMessage good = sqs("m-good", "{\"a\":1}", Map.of("MessageGroupId", "h"));
        assertThatCode(() -> bodies.decode(bad, "ingest")).doesNotThrowAnyException();
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(bad, good));
        List<String> handled = new ArrayList<>();
        SQSBatchResponse response = SqsBatch.process(event, () -> true, m -> handled.add(m.getMessageId()));
        assertThat(handled).containsExactly("m-bad", "m-good");
        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    @Test
    void anSqsRecordWithoutAMessageIdDecodesUnderADigest() {
        List<Delivery> d = bodies.decode(sqs(null, "not json", Map.of()), "ingest");
        assertThat(d).singleElement().isInstanceOf(Undecodable.class);
        assertThat(((Undecodable) d.get(0)).original().messageId()).startsWith("sha256:");
    }

    @Test
    void noHostileS3EventMakesADecoderThrowOrChangeAKeySilently() {
        Random random = new Random(SEED);
        for (int i = 0; i < CASES; i++) {
            long seed = random.nextLong();
            Random r = new Random(seed);
            ObjectNode event = JSON.createObjectNode();
            ArrayNode records = event.putArray("Records");
            int n = r.nextInt(4);
            boolean nullRecord = false;
            for (int j = 0; j < n; j++) {
                if (r.nextInt(8) == 0) {
                    records.addNull();
                    nullRecord = true;
                    continue;
                }
                ObjectNode rec = record(NAMES[r.nextInt(NAMES.length)], KEYS[r.nextInt(KEYS.length)]);
                ObjectNode object = (ObjectNode) rec.get("s3").get("object");
                if (r.nextInt(6) == 0) object.put("sequencer", "xyz");
                if (r.nextInt(6) == 0) object.put("size", "huge");
                if (r.nextInt(6) == 0) object.putNull("versionId");
                if (r.nextInt(6) == 0) ((ObjectNode) rec.get("s3")).putNull("object");
                if (r.nextInt(6) == 0) rec.remove("s3");
                records.add(rec);
            }
            String json = event.toString();
            boolean withNullRecord = nullRecord;
            assertThatCode(() -> {
                // the runtime itself refuses a null record before any handler runs; the queue path must not
                List<Delivery> direct = withNullRecord ? List.<Delivery>of() : S3EventDecoder.decode(lambdaJson.s3Event(json), null);
                assertThat(direct).doesNotContainNull();
                for (Delivery d : direct) {
                    if (d instanceof ObjectNotice notice) assertThat(notice.ref().key()).doesNotContain("\uFFFD");
                }
                List<Delivery> queued = bodies.decode(sqs("m", json, Map.of()), "ingest");
                assertThat(queued).isNotEmpty().doesNotContainNull();
            }).as("seed %d: %s", seed, json).doesNotThrowAnyException();
        }
    }

    private static ObjectNode s3Event(ObjectNode... records) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode array = event.putArray("Records");
        for (ObjectNode r : records) array.add(r);
        return event;
    }

    private static ObjectNode record(String eventName, String key) {
        ObjectNode r = JSON.createObjectNode().put("eventVersion", "2.1").put("eventSource", "aws:s3")
                .put("awsRegion", "eu-west-1").put("eventTime", "2024-05-01T10:00:00.000Z").put("eventName", eventName);
        ObjectNode s3 = r.putObject("s3");
        s3.putObject("bucket").put("name", "drop");
        s3.putObject("object").put("key", key).put("size", 5).put("sequencer", "0A1B");
        return r;
    }

    private static SQSMessage sqs(String id, String body, Map<String, String> attributes) {
        SQSMessage m = new SQSMessage();
        m.setMessageId(id);
        m.setBody(body);
        m.setEventSourceArn("arn:aws:sqs:eu-west-1:123456789012:ingest");
        m.setAttributes(new HashMap<>(attributes));
        return m;
    }
}
