package io.inlet.aws.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.inlet.aws.SamplePayloads;
import io.inlet.aws.decode.DecodedPayload.ObjectNotices;
import io.inlet.aws.decode.DecodedPayload.Undecodable;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecodingRulesTest {

    private final LambdaEventJson lambdaJson = new LambdaEventJson();
    private final SqsBodyDecoder bodies = new SqsBodyDecoder(lambdaJson);

    @Test
    void plusIsASpaceAndPercent2BIsAPlus() {
        assertThat(NotificationKey.decode("a+b%2Bc")).isEqualTo("a b+c");
    }

    @Test
    void keysAreDecodedExactlyOnce() {
        // a key literally named "100%2B.csv" arrives as "100%252B.csv" and must not become "100+.csv"
        assertThat(NotificationKey.decode("100%252B.csv")).isEqualTo("100%2B.csv");
        assertThat(NotificationKey.decode("caf%C3%A9/r%C3%A9sum%C3%A9.csv")).isEqualTo("café/résumé.csv");
    }

    @Test
    void brokenPercentEscapeIsUndecodableNamingTheKey() {
        String body = SamplePayloads.read(SamplePayloads.OWN.resolve("s3-put-direct.json"))
                .replace("acme/orders/2024-05-01.csv", "acme/100%zz.csv");
        DecodedPayload decoded = S3EventDecoder.decode(lambdaJson.s3Event(body));
        assertThat(decoded).isInstanceOf(Undecodable.class);
        assertThat(((Undecodable) decoded).reason()).startsWith("Records[0]: s3.object.key 'acme/100%zz.csv'");
    }

    @Test
    void unsupportedEventNameIsUndecodable() {
        String body = SamplePayloads.read(SamplePayloads.OWN.resolve("s3-put-direct.json"))
                .replace("ObjectCreated:Put", "ObjectRestore:Completed");
        assertThat(S3EventDecoder.decode(lambdaJson.s3Event(body)))
                .isEqualTo(new Undecodable("Records[0]: unsupported S3 eventName 'ObjectRestore:Completed'"));
    }

    @Test
    void fifoSequenceNumberLargerThanALongIsKeptExactly() {
        var event = lambdaJson.sqsEvent(SamplePayloads.read(SamplePayloads.OWN.resolve("sqs-fifo-batch.json")));
        List<SqsDelivery> deliveries = event.getRecords().stream().map(SqsDelivery::of).toList();
        assertThat(deliveries.get(0)).isEqualTo(new SqsDelivery("9c1d2e3f-0001-4a5b-8c6d-000000000001",
                "order-ORD-2001", new BigInteger("18849496460467696128"), 1));
        assertThat(deliveries.get(0).sequenceNumber()).isGreaterThan(BigInteger.valueOf(Long.MAX_VALUE));
        assertThat(deliveries).extracting(SqsDelivery::messageGroupId)
                .containsExactly("order-ORD-2001", "order-ORD-2002", "order-ORD-2001", "order-ORD-2002");
    }

    @Test
    void queueNameIsTheLastPartOfTheArn() {
        assertThat(SqsDelivery.queueName("arn:aws:sqs:eu-west-1:111122223333:orders-events.fifo"))
                .isEqualTo("orders-events.fifo");
    }

    @Test
    void jsonArrayBodyIsABusinessMessageTheCoreMapsElementByElement() {
        assertThat(bodies.decode(message("m1", "[1,2,3]"), "q"))
                .isEqualTo(new DecodedPayload.BusinessMessage(new io.inlet.ingest.InboundMessage("m1", "q", "[1,2,3]", Map.of())));
    }

    @Test
    void jsonScalarBodyIsUndecodable() {
        assertThat(bodies.decode(message("m1", "42"), "q"))
                .isEqualTo(new Undecodable("message body is not a JSON object or array"));
    }

    @Test
    void snsEnvelopeAroundNonJsonIsUndecodable() {
        String body = "{\"Type\":\"Notification\",\"MessageId\":\"x\",\"TopicArn\":\"arn:aws:sns:eu-west-1:1:t\","
                + "\"Message\":\"hello\"}";
        DecodedPayload decoded = bodies.decode(message("m2", body), "q");
        assertThat(((Undecodable) decoded).reason()).startsWith("SNS Message is not JSON");
    }

    @Test
    void s3NotificationWithoutBucketIsUndecodable() {
        String body = SamplePayloads.read(SamplePayloads.OWN.resolve("s3-put-direct.json"))
                .replace("\"name\": \"inlet-vendor-drop\"", "\"name\": \"\"");
        assertThat(bodies.decode(message("m3", body), "q"))
                .isEqualTo(new Undecodable("Records[0]: s3.bucket.name or s3.object.key missing"));
        // with no bucket object at all the runtime's own deserialiser gives up: still undecodable, not thrown
        String noBucket = "{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"object\":{\"key\":\"k\"}}}]}";
        assertThat(((Undecodable) bodies.decode(message("m4", noBucket), "q")).reason())
                .startsWith("S3 notification could not be read");
    }

    @Test
    void eventBridgeEventAsAMapDecodesLikeTheScheduledEvent() {
        Map<String, Object> event = Map.of("source", "aws.s3", "detail-type", "Object Created",
                "detail", Map.of("bucket", Map.of("name", "b"),
                        "object", Map.of("key", "a+b.csv", "size", 12, "sequencer", "00AA")));
        assertThat(EventBridgeDecoder.decode(event)).isEqualTo(PayloadDecodingTest.created("b", "a+b.csv", null, null,
                12L, "00AA"));
        assertThat(EventBridgeDecoder.decode(Map.of("source", "aws.ec2", "detail-type", "x")))
                .isEqualTo(new Undecodable("EventBridge source 'aws.ec2' is not aws.s3"));
    }

    @Test
    void removalCarriesNoSize() {
        String body = SamplePayloads.read(SamplePayloads.OWN.resolve("s3-put-direct.json"))
                .replace("ObjectCreated:Put", "ObjectRemoved:Delete");
        ObjectNotices notices = (ObjectNotices) S3EventDecoder.decode(lambdaJson.s3Event(body));
        assertThat(notices.notices().get(0).ref().size()).isNull();
        assertThat(notices.notices().get(0).kind()).isEqualTo(ObjectNotice.Kind.REMOVED);
    }

    private static SQSMessage message(String id, String body) {
        SQSMessage m = new SQSMessage();
        m.setMessageId(id);
        m.setBody(body);
        return m;
    }

    @Test
    void aRemovalCarriesItsSequencerAndASequencerThatIsNotHexIsUndecodable() {
        String body = SamplePayloads.read(SamplePayloads.OWN.resolve("s3-put-direct.json"))
                .replace("ObjectCreated:Put", "ObjectRemoved:Delete");
        ObjectNotices notices = (ObjectNotices) S3EventDecoder.decode(lambdaJson.s3Event(body));
        assertThat(notices.notices().get(0).sequencer()).isNotNull();
        Map<String, Object> deleted = Map.of("source", "aws.s3", "detail-type", "Object Deleted",
                "detail", Map.of("bucket", Map.of("name", "b"), "object", Map.of("key", "k", "sequencer", "00AB")));
        assertThat(((ObjectNotices) EventBridgeDecoder.decode(deleted)).notices().get(0).sequencer())
                .isEqualTo(io.inlet.source.ObjectSequencer.s3("00AB"));
        Map<String, Object> notHex = Map.of("source", "aws.s3", "detail-type", "Object Created",
                "detail", Map.of("bucket", Map.of("name", "b"), "object", Map.of("key", "k", "sequencer", "00XY")));
        assertThat(((Undecodable) EventBridgeDecoder.decode(notHex)).reason())
                .isEqualTo("EventBridge detail.object.sequencer: S3 sequencer is not hexadecimal: '00XY'");
    }
}
