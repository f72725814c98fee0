package io.inlet.aws.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.inlet.aws.SamplePayloads;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.Delivery.BusinessMessage;
import io.inlet.trigger.Delivery.NothingToDo;
import io.inlet.trigger.Delivery.ObjectNotice;
import io.inlet.trigger.Delivery.Undecodable;
import io.inlet.trigger.ObjectChange;
import io.inlet.ingest.InboundMessage;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every payload file, deserialised with the Lambda runtime's serialisation as its trigger would be,
 * decodes to exactly the expected notices / messages. A file without an expectation fails, so a
 * new sample cannot be skipped silently.
 */
class PayloadDecodingTest {

    /** How the payload reaches Inlet: the runtime type it is deserialised into. */
    enum Route { S3_EVENT, EVENTBRIDGE, SQS, SQS_BODY }

    record Case(Route route, List<Delivery> expected) {
    }

    private static final LambdaEventJson LAMBDA_JSON = new LambdaEventJson();
    private static final SqsBodyDecoder SQS_BODIES = new SqsBodyDecoder(LAMBDA_JSON);

    private static final String DROP = "inlet-vendor-drop";
    /** What the comparison ignores: the original a notice would be recorded as. */
    private static final InboundMessage ANY = new InboundMessage("any", "any", "", Map.of());

    static final Map<String, Case> OWN = new LinkedHashMap<>();
    static final Map<String, Case> SHARED = new LinkedHashMap<>();

    static {
        OWN.put("s3-put-direct.json", s3(created(DROP, "acme/orders/2024-05-01.csv", null,
                "9b2cf535f27731c974343645a3985328", 2048L, "0062E99A88DC407460")));
        // '+' is a space and %2B a plus, %3D an '=': decoded once.
        OWN.put("s3-put-encoded-key.json", s3(created(DROP, "acme/orders/east coast 2024+05=01.csv", null,
                "0cc175b9c0f1b6a831c399e269772661", 311L, "0062E99A88DC407461")));
        OWN.put("s3-put-versioned.json", s3(created(DROP, "acme/orders/2024-05-02.csv",
                "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", "d41d8cd98f00b204e9800998ecf8427e", 4096L, "0062E99A88DC407470")));
        OWN.put("s3-put-multipart.json", s3(created(DROP, "globex/shipments/2024-05-01.jsonl.gz", null,
                "e2fc714c4727ee9395f324cd2e7f331f-9", 73400320L, "0062E99A88DC407480")));
        OWN.put("s3-object-removed.json", s3(removed(DROP, "acme/orders/2024-05-01.csv", null, null,
                "0062E99A88DC407490")));
        OWN.put("s3-object-removed-delete-marker.json", s3(removed(DROP, "acme/orders/2024-05-02.csv",
                "null.marker.7fQ2", null, "0062E99A88DC4074A0")));
        // S3 sends the test event to queues and topics only; as an SQS body it is acknowledged.
        OWN.put("s3-test-event.json", new Case(Route.SQS_BODY, List.of(new NothingToDo("s3:TestEvent for bucket " + DROP))));
        OWN.put("sqs-s3-notification.json", sqs(created(DROP, "acme/orders/2024-05-03 final.csv", null,
                "c4ca4238a0b923820dcc509a6f75849b", 1024L, "0062E99A88DC4074B0")));
        OWN.put("sqs-s3-test-event.json", new Case(Route.SQS, List.of(new NothingToDo("s3:TestEvent for bucket " + DROP))));
        ObjectNotice copied = created(DROP, "globex/shipments/2024-05-03.csv", "Av9lWbq7Q3.eGkV0f6QvKU6v1mKpJmFo",
                "c81e728d9d4c2f636f067f89cc14862c", 512L, "0062E99A88DC4074C0");
        OWN.put("sqs-sns-s3-notification.json", sqs(copied));
        OWN.put("sqs-sns-raw-s3-notification.json", sqs(copied));
        // EventBridge keys are not encoded: '+' and '%2B' stay as they are.
        OWN.put("eventbridge-object-created.json", new Case(Route.EVENTBRIDGE, List.of(created(DROP,
                "acme/orders/2024-05-04 east+west%2B.csv", "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
                "eccbc87e4b5ce2fe28308fd9f2a7baf3", 777L, "0062E99A88DC4074D0"))));
        OWN.put("eventbridge-object-deleted.json", new Case(Route.EVENTBRIDGE, List.of(removed(DROP,
                "acme/orders/2024-05-04 east+west%2B.csv", "1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF",
                "d41d8cd98f00b204e9800998ecf8427e", "0062E99A88DC4074E0"))));
        OWN.put("sqs-eventbridge-object-created.json", sqs(created(DROP, "globex/shipments/2024-05-04.csv", null,
                "a87ff679a2f3e71d9181a67b7542122c", 99L, "0062E99A88DC4074F0")));
        OWN.put("sqs-business-event-json.json", sqs(business("7b0e4c1a-0006-4f2b-8c3d-000000000006", "orders-events",
                "{\"orderId\": \"ORD-1001\", \"customerId\": \"C-77\", \"status\": \"PLACED\", \"total\": \"129.90\","
                        + " \"placedAt\": \"2024-05-05T09:15:00Z\"}",
                Map.of("correlationId", "corr-5501"))));
        OWN.put("sqs-business-cloudevent.json", sqs(business("7b0e4c1a-0007-4f2b-8c3d-000000000007", "orders-events",
                "{\"specversion\": \"1.0\", \"id\": \"5f0c2f3e-9d0a-4b7b-8a34-1c2d3e4f5a6b\", \"source\":"
                        + " \"urn:shop:checkout\", \"type\": \"OrderPlaced\", \"subject\": \"order-ORD-1002\", \"time\":"
                        + " \"2024-05-05T09:16:00Z\", \"datacontenttype\": \"application/json\", \"schemaversion\": \"1\","
                        + " \"data\": {\"orderId\": \"ORD-1002\", \"total\": \"15.00\"}}",
                Map.of())));
        OWN.put("sqs-fifo-batch.json", sqs(
                fifo(1, "{\"orderId\": \"ORD-2001\", \"status\": \"PLACED\"}"),
                fifo(2, "{\"orderId\": \"ORD-2002\", \"status\": \"PLACED\"}"),
                fifo(3, "{\"orderId\": \"ORD-2001\", \"status\": \"PAID\"}"),
                fifo(4, "{\"orderId\": \"ORD-2002\", \"status\": \"PAID\"}")));
        OWN.put("sqs-poison.json", sqs(undecodable("message body is not JSON")));
        // a JSON array is a business message too (the core maps each element); every attribute reaches
        // the core: Number and custom types as their text, Binary as base64
        OWN.put("sqs-business-array-attributes.json", sqs(business("7b0e4c1a-0009-4f2b-8c3d-000000000009", "orders-events",
                "[{\"orderId\": \"ORD-3001\", \"status\": \"PLACED\", \"total\": \"10.00\", \"placedAt\": "
                        + "\"2024-05-06T08:00:00Z\"}, {\"orderId\": \"ORD-3002\", \"status\": \"PLACED\", \"total\": "
                        + "\"20.00\", \"placedAt\": \"2024-05-06T08:01:00Z\"}]",
                Map.of("schemaVersion", "2", "signature", "AAEC/w==", "tenant", "eu-1"))));

        SHARED.put("eventbridge-s3-object-created-captured.json", new Case(Route.EVENTBRIDGE, List.of(created(
                "s3-eb-unwrap-sourcebucket", "s3-eb-template.yaml", null, "e56e21b1610dd94e9907f82b8d05b934", 1565L,
                "0065FB77A03AD4478F"))));
        SHARED.put("eventbridge-s3-object-created.json", new Case(Route.EVENTBRIDGE, List.of(created(
                "DOC-EXAMPLE-BUCKET1", "example-key", "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
                "b1946ac92492d2347c6235b4d2611184", 5L, "617f08299329d189"))));
        SHARED.put("eventbridge-s3-object-deleted.json", new Case(Route.EVENTBRIDGE, List.of(removed(
                "DOC-EXAMPLE-BUCKET1", "example-key", "1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF",
                "d41d8cd98f00b204e9800998ecf8427e", "617f0837b476e463"))));
        SHARED.put("s3-objectremoved-delete-real.json", s3(removed("noaa-dcdb-bathymetry-pds", "docs/test.txt",
                null, null, "00659DDC0415E11641")));
        SHARED.put("s3-objectremoved-delete.json", s3(removed("lambda-artifacts-deafc19498e3f2df",
                "b21b84d653bb07b05b1e6b33684dc11b", null, null, "0C0F6F405D6ED209E1")));
        SHARED.put("s3-put-encoded-key-real.json", s3(created("test-fb-ks", "year=2020/month=05/test1.txt", null,
                "3e7705498e8be60520841409ebc69bc1", 6L, "005EB47773C10D8A81")));
        // bucket name and ARN disagree in this one: the name wins.
        SHARED.put("s3-put-lambda-direct-lambda-docs.json", s3(created("DOC-EXAMPLE-BUCKET",
                "b21b84d653bb07b05b1e6b33684dc11b", null, "b21b84d653bb07b05b1e6b33684dc11b", 1305107L,
                "0C0F6F405D6ED209E1")));
        SHARED.put("s3-put-lambda-direct.json", s3(created("mybucket", "HappyFace.jpg",
                "096fKKXTRTtl3on89fVO.nfljtsv6qko", "d41d8cd98f00b204e9800998ecf8427e", 1024L, "0055AED6DCD90281E5")));
        SHARED.put("s3-test-event.json", new Case(Route.SQS_BODY, List.of(new NothingToDo("s3:TestEvent for bucket bucketname"))));
        SHARED.put("sqs-eventbridge-s3-object-created-captured.json", sqs(created("s3-eb-unwrap-sourcebucket",
                "__init__.py", null, "d41d8cd98f00b204e9800998ecf8427e", 0L, "0066030E82E2A48DFE")));
        SHARED.put("sqs-fifo-lambda-docs.json", sqs(undecodable("message body is not JSON")));
        SHARED.put("sqs-s3-notification-captured.json", sqs(created("sqs-s3-unwrap-bucket", "samconfig.toml", null,
                "8f6c039f567cc53694be2a275e452743", 221L, "0065F349D4F05B5827")));
        SHARED.put("sqs-s3-notification.json", sqs(created("xxx", "test.pdf", "yd3d4HaWOT2zguDLvIQLU6ptDTwKBnQV",
                "2e3ad1e983318bbd8e73b080e2997980", 104681L, "00643717F9F8B85354")));
        SHARED.put("sqs-sns-fifo-business-event.json", sqs(business("69bc4bbd-ed69-4325-a434-85c3b428ceab",
                "Test.fifo", "{\"message\": \"hello world\", \"username\": \"lessa\"}",
                Map.of("snsMessageId", "a7c9d2fa-77fa-5184-9de9-89391027cc7d",
                        "snsTopicArn", "arn:aws:sns:eu-west-1:231436140809:Test.fifo"))));
        SHARED.put("sqs-sns-rawdelivery-s3-notification.json", sqs(created("unwraptestevents-bucket",
                "samconfig.toml", null, "9cc7da5febb07868706f59ab70d89981", 221L, "0065FA186CC08E810D")));
        SHARED.put("sqs-sns-s3-notification.json", sqs(created("unwraptestevents-bucket",
                "firehose-s3-template.json", null, "e77dffcd1756d6e8e5123ef1e0ce7c54", 4314L, "0065FA0B4B104A6DAB")));
        SHARED.put("sqs-standard-lambda-docs.json", sqs(undecodable("message body is not JSON"),
                undecodable("message body is not JSON")));
    }

    @TestFactory
    Stream<DynamicTest> ownPayloadsDecodeAsExpected() {
        return casesIn(SamplePayloads.OWN, OWN);
    }

    @TestFactory
    Stream<DynamicTest> sharedReferencePayloadsDecodeAsExpected() {
        assumeTrue(Files.isDirectory(SamplePayloads.SHARED),
                "shared reference payloads absent at " + SamplePayloads.SHARED.toAbsolutePath() + ": skipped");
        return casesIn(SamplePayloads.SHARED, SHARED);
    }

    private static Stream<DynamicTest> casesIn(Path dir, Map<String, Case> table) {
        List<Path> files = SamplePayloads.jsonFiles(dir);
        assertThat(files).isNotEmpty();
        assertThat(files.stream().map(f -> f.getFileName().toString()))
                .as("every payload in %s has an expectation", dir).containsExactlyInAnyOrderElementsOf(table.keySet());
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            Case c = table.get(file.getFileName().toString());
            List<Delivery> actual = decode(c.route(), SamplePayloads.read(file));
            assertDecoded(actual, c.expected());
        }));
    }

    static List<Delivery> decode(Route route, String json) {
        return switch (route) {
            case S3_EVENT -> S3EventDecoder.decode(LAMBDA_JSON.s3Event(json), null);
            case EVENTBRIDGE -> List.of(EventBridgeDecoder.decode(LAMBDA_JSON.scheduledEvent(json), null));
            case SQS_BODY -> {
                SQSMessage m = new SQSMessage();
                m.setMessageId("raw-body");
                m.setBody(json);
                yield SQS_BODIES.decode(m, "raw");
            }
            case SQS -> {
                SQSEvent event = LAMBDA_JSON.sqsEvent(json);
                List<Delivery> out = new ArrayList<>();
                for (SQSMessage m : event.getRecords()) {
                    out.addAll(SQS_BODIES.decode(m, SqsDelivery.queueName(m.getEventSourceArn())));
                }
                yield out;
            }
        };
    }

    /**
     * Exact equality of what the core acts on (a notice's ref, change and sequencer; a message; the reason
     * there is nothing to do), except that an expected Undecodable gives the start of the reason.
     */
    static void assertDecoded(List<Delivery> actual, List<Delivery> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Delivery e = expected.get(i);
            Delivery a = actual.get(i);
            assertThat(a).isInstanceOf(e.getClass());
            if (e instanceof Undecodable u) {
                assertThat(((Undecodable) a).reason()).startsWith(u.reason());
            } else if (e instanceof ObjectNotice n) {
                ObjectNotice got = (ObjectNotice) a;
                assertThat(List.of(got.ref(), got.change(), String.valueOf(got.sequencer())))
                        .isEqualTo(List.of(n.ref(), n.change(), String.valueOf(n.sequencer())));
            } else if (e instanceof BusinessMessage m) {
                assertThat(((BusinessMessage) a).message()).isEqualTo(m.message());
            } else {
                assertThat(a).isEqualTo(e);
            }
        }
    }

    private static Undecodable undecodable(String reasonStart) {
        return new Undecodable(reasonStart, ANY);
    }

    private static Case s3(Delivery expected) {
        return new Case(Route.S3_EVENT, List.of(expected));
    }

    private static Case sqs(Delivery... expected) {
        return new Case(Route.SQS, List.of(expected));
    }

    static ObjectNotice created(String bucket, String key, String version, String etag, Long size, String sequencer) {
        return new ObjectNotice(new ObjectRef(bucket, key, version, etag, size), ObjectChange.CREATED,
                ObjectSequencer.s3(sequencer), null, ANY);
    }

    static ObjectNotice removed(String bucket, String key, String version, String etag, String sequencer) {
        return new ObjectNotice(new ObjectRef(bucket, key, version, etag, null), ObjectChange.REMOVED,
                ObjectSequencer.s3(sequencer), null, ANY);
    }

    private static BusinessMessage business(String id, String channel, String body, Map<String, String> attributes) {
        return new BusinessMessage(new InboundMessage(id, channel, body, attributes), null);
    }

    private static BusinessMessage fifo(int n, String body) {
        return business(String.format("9c1d2e3f-00%02d-4a5b-8c6d-0000000000%02d", n, n), "orders-events.fifo", body,
                Map.of());
    }
}
