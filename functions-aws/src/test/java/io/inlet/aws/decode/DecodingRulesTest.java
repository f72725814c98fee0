package io.inlet.aws.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.inlet.aws.SamplePayloads;
import io.inlet.ingest.InboundMessage;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.Delivery.BusinessMessage;
import io.inlet.trigger.Delivery.ObjectNotice;
import io.inlet.trigger.Delivery.Undecodable;
import io.inlet.trigger.ObjectChange;
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
        Delivery decoded = S3EventDecoder.decode(lambdaJson.s3Event(body), null).get(0);
        assertThat(decoded).isInstanceOf(Undecodable.class);
        assertThat(((Undecodable) decoded).reason()).startsWith("Records[0]: s3.object.key 'acme/100%zz.csv'");
    }

    @Test
    void unsupportedEventNameIsUndecodable() {
        String body = SamplePayloads.read(SamplePayloads.OWN.resolve("s3-put-direct.json"))
                .replace("ObjectCreated:Put", "ObjectRestore:Completed");
        assertThat(reason(S3EventDecoder.decode(lambdaJson.s3Event(body), null).get(0)))
                .isEqualTo("Records[0]: unsupported S3 eventName 'ObjectRestore:Completed'");
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
                .containsExactly(new BusinessMessage(new InboundMessage("m1", "q", "[1,2,3]", Map.of()), null));
    }

    @Test
    void jsonScalarBodyIsUndecodable() {
        assertThat(bodies.decode(message("m1", "42"), "q")).containsExactly(new Undecodable(
                "message body is not a JSON object or array", new InboundMessage("m1", "q", "42", Map.of("receiveCount", "1"))));
    }

    @Test
    void snsEnvelopeAroundNonJsonIsUndecodable() {
        String body = "{\"Type\":\"Notification\",\"MessageId\":\"x\",\"TopicArn\":\"arn:aws:sns:eu-west-1:1:t\","
                + "\"Message\":\"hello\"}";
        Delivery decoded = bodies.decode(message("m2", body), "q").get(0);
        assertThat(((Undecodable) decoded).reason()).startsWith("SNS Message is not JSON");
    }

    @Test
    void s3NotificationWithoutBucketIsUndecodable() {
        String body = SamplePayloads.read(SamplePayloads.OWN.resolve("s3-put-direct.json"))
                .replace("\"name\": \"inlet-vendor-drop\"", "\"name\": \"\"");
        assertThat(reason(bodies.decode(message("m3", body), "q").get(0)))
                .isEqualTo("Records[0]: s3.bucket.name or s3.object.key missing");
        // with no bucket object at all the runtime's own deserialiser gives up: still undecodable, not thrown
        String noBucket = "{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"object\":{\"key\":\"k\"}}}]}";
        assertThat(reason(bodies.decode(message("m4", noBucket), "q").get(0)))
                .startsWith("S3 notification could not be read");
    }

    @Test
    void eventBridgeEventAsAMapDecodesLikeTheScheduledEvent() {
        Map<String, Object> event = Map.of("source", "aws.s3", "detail-type", "Object Created",
                "detail", Map.of("bucket", Map.of("name", "b"),
                        "object", Map.of("key", "a+b.csv", "size", 12, "sequencer", "00AA")));
        PayloadDecodingTest.assertDecoded(List.of(EventBridgeDecoder.decode(event, null)),
                List.of(PayloadDecodingTest.created("b", "a+b.csv", null, null, 12L, "00AA")));
        assertThat(reason(EventBridgeDecoder.decode(Map.of("source", "aws.ec2", "detail-type", "x"), null)))
                .isEqualTo("EventBridge source 'aws.ec2' is not aws.s3");
    }

    @Test
    void removalCarriesNoSize() {
        String body = SamplePayloads.read(SamplePayloads.OWN.resolve("s3-put-direct.json"))
                .replace("ObjectCreated:Put", "ObjectRemoved:Delete");
        ObjectNotice notice = (ObjectNotice) S3EventDecoder.decode(lambdaJson.s3Event(body), null).get(0);
        assertThat(notice.ref().size()).isNull();
        assertThat(notice.change()).isEqualTo(ObjectChange.REMOVED);
    }

    private static String reason(Delivery delivery) {
        assertThat(delivery).isInstanceOf(Undecodable.class);
        return ((Undecodable) delivery).reason();
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
        ObjectNotice notice = (ObjectNotice) S3EventDecoder.decode(lambdaJson.s3Event(body), null).get(0);
        assertThat(notice.sequencer()).isNotNull();
        Map<String, Object> deleted = Map.of("source", "aws.s3", "detail-type", "Object Deleted",
                "detail", Map.of("bucket", Map.of("name", "b"), "object", Map.of("key", "k", "sequencer", "00AB")));
        assertThat(((ObjectNotice) EventBridgeDecoder.decode(deleted, null)).sequencer())
                .isEqualTo(io.inlet.source.ObjectSequencer.s3("00AB"));
        Map<String, Object> notHex = Map.of("source", "aws.s3", "detail-type", "Object Created",
                "detail", Map.of("bucket", Map.of("name", "b"), "object", Map.of("key", "k", "sequencer", "00XY")));
        assertThat(reason(EventBridgeDecoder.decode(notHex, null)))
                .isEqualTo("EventBridge detail.object.sequencer: S3 sequencer is not hexadecimal: '00XY'");
    }
}
