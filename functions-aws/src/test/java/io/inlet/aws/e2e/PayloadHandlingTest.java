package io.inlet.aws.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.inlet.Inlet;
import io.inlet.aws.EventBridgeObjectHandler;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.S3ObjectHandler;
import io.inlet.aws.SamplePayloads;
import io.inlet.aws.SqsIngestHandler;
import io.inlet.aws.TestLambdaContext;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.trigger.FeedsLocation;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * Every payload file, deserialised with the Lambda runtime's serialisation, run through the handler
 * its trigger invokes (S3 -> {@link S3ObjectHandler}, EventBridge -> {@link EventBridgeObjectHandler},
 * SQS -> {@link SqsIngestHandler}) against PostgreSQL and the emulators. Each row of the table states
 * what must result: the handler's answer, the ledger row of each object, the
 * {@code processed_messages} row of each message, and the events appended per table. The objects
 * the own payloads name are put into S3Proxy first (a versioned bucket: a payload's version id is
 * replaced by the one the put returned), except those whose absence is the point.
 */
class PayloadHandlingTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    static final String DROP = "inlet-vendor-drop";
    static final String ORDERS = "sample_orders";
    static final String MESSAGES = "sample_messages";

    enum Handler { S3, EVENTBRIDGE, SQS, SQS_BODY }

    /**
     * @param answer   S3: the handler's lines; EventBridge: its one string; SQS: the failed message ids
     * @param ledger   "bucket/key" -> status of the newest ledger row of that object
     * @param messages message id -> {@code processed_messages} status (and reason prefix after a space)
     * @param appended event table -> events appended by this payload
     */
    record Expect(Handler handler, List<String> answer, Map<String, String> ledger, Map<String, String> messages,
                  Map<String, Long> appended) {
    }

    static final Map<String, Expect> OWN = new LinkedHashMap<>();
    static final Map<String, Expect> SHARED = new LinkedHashMap<>();

    static {
        // objects put into S3Proxy before the run (key -> CSV), see putVendorObjects
        OWN.put("s3-put-direct.json", new Expect(Handler.S3,
                List.of("COMPLETED inlet-vendor-drop/acme/orders/2024-05-01.csv"),
                Map.of("inlet-vendor-drop/acme/orders/2024-05-01.csv", "COMPLETED"), Map.of(), Map.of(ORDERS, 2L)));
        OWN.put("s3-put-encoded-key.json", new Expect(Handler.S3,
                List.of("COMPLETED inlet-vendor-drop/acme/orders/east coast 2024+05=01.csv"),
                Map.of("inlet-vendor-drop/acme/orders/east coast 2024+05=01.csv", "COMPLETED"), Map.of(),
                Map.of(ORDERS, 2L)));
        // versioned payloads: the object is put into the versioned bucket first and the payload's version id
        // replaced by the one S3Proxy gave it (VERSIONS), so the handler reads exactly that version
        OWN.put("s3-put-versioned.json", new Expect(Handler.S3,
                List.of("COMPLETED inlet-vendor-drop/acme/orders/2024-05-02.csv#3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"),
                Map.of("inlet-vendor-drop/acme/orders/2024-05-02.csv", "COMPLETED"), Map.of(), Map.of(ORDERS, 2L)));
        // no such object in the bucket: the ledger records it REJECTED (object gone), a permanent outcome
        OWN.put("s3-put-multipart.json", new Expect(Handler.S3,
                List.of("REJECTED inlet-vendor-drop/globex/shipments/2024-05-01.jsonl.gz"),
                Map.of("inlet-vendor-drop/globex/shipments/2024-05-01.jsonl.gz", "REJECTED"), Map.of(), Map.of(ORDERS, 0L)));
        OWN.put("s3-object-removed.json", new Expect(Handler.S3,
                List.of("REMOVED inlet-vendor-drop/acme/orders/2024-05-01.csv"),
                Map.of("inlet-vendor-drop/acme/orders/2024-05-01.csv", "REMOVED"), Map.of(), Map.of(ORDERS, 0L)));
        OWN.put("s3-object-removed-delete-marker.json", new Expect(Handler.S3,
                List.of("REMOVED inlet-vendor-drop/acme/orders/2024-05-02.csv#null.marker.7fQ2"),
                Map.of("inlet-vendor-drop/acme/orders/2024-05-02.csv", "REMOVED"), Map.of(), Map.of(ORDERS, 0L)));
        // S3 sends its test event to queues and topics only: as the body of an SQS record it is acknowledged
        OWN.put("s3-test-event.json", new Expect(Handler.SQS_BODY, List.of(), Map.of(), Map.of(), Map.of(ORDERS, 0L)));
        OWN.put("sqs-s3-test-event.json", new Expect(Handler.SQS, List.of(), Map.of(), Map.of(), Map.of(ORDERS, 0L)));
        OWN.put("sqs-s3-notification.json", new Expect(Handler.SQS, List.of(),
                Map.of("inlet-vendor-drop/acme/orders/2024-05-03 final.csv", "COMPLETED"), Map.of(), Map.of(ORDERS, 2L)));
        OWN.put("sqs-sns-s3-notification.json", new Expect(Handler.SQS, List.of(),
                Map.of("inlet-vendor-drop/globex/shipments/2024-05-03.csv", "COMPLETED"), Map.of(), Map.of(ORDERS, 2L)));
        // the same object version (and etag) through SNS with raw delivery: already done, nothing appended
        OWN.put("sqs-sns-raw-s3-notification.json", new Expect(Handler.SQS, List.of(),
                Map.of("inlet-vendor-drop/globex/shipments/2024-05-03.csv", "COMPLETED"), Map.of(), Map.of(ORDERS, 0L)));
        OWN.put("eventbridge-object-created.json", new Expect(Handler.EVENTBRIDGE,
                List.of("COMPLETED inlet-vendor-drop/acme/orders/2024-05-04 east+west%2B.csv#IYV3p45BT0ac8hjHg1houSdS1a.Mro8e"),
                Map.of("inlet-vendor-drop/acme/orders/2024-05-04 east+west%2B.csv", "COMPLETED"), Map.of(),
                Map.of(ORDERS, 2L)));
        OWN.put("eventbridge-object-deleted.json", new Expect(Handler.EVENTBRIDGE,
                List.of("REMOVED inlet-vendor-drop/acme/orders/2024-05-04 east+west%2B.csv#1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF"),
                Map.of("inlet-vendor-drop/acme/orders/2024-05-04 east+west%2B.csv", "REMOVED"), Map.of(),
                Map.of(ORDERS, 0L)));
        OWN.put("sqs-eventbridge-object-created.json", new Expect(Handler.SQS, List.of(),
                Map.of("inlet-vendor-drop/globex/shipments/2024-05-04.csv", "COMPLETED"), Map.of(), Map.of(ORDERS, 2L)));
        OWN.put("sqs-business-event-json.json", new Expect(Handler.SQS, List.of(), Map.of(),
                Map.of("7b0e4c1a-0006-4f2b-8c3d-000000000006", "PROCESSED"), Map.of(MESSAGES, 1L)));
        OWN.put("sqs-business-cloudevent.json", new Expect(Handler.SQS, List.of(), Map.of(),
                Map.of("7b0e4c1a-0007-4f2b-8c3d-000000000007", "PROCESSED"), Map.of(MESSAGES, 1L)));
        OWN.put("sqs-fifo-batch.json", new Expect(Handler.SQS, List.of(), Map.of(),
                Map.of("9c1d2e3f-0001-4a5b-8c6d-000000000001", "PROCESSED", "9c1d2e3f-0004-4a5b-8c6d-000000000004", "PROCESSED"),
                Map.of(MESSAGES, 4L)));
        OWN.put("sqs-business-array-attributes.json", new Expect(Handler.SQS, List.of(), Map.of(),
                Map.of("7b0e4c1a-0009-4f2b-8c3d-000000000009", "PROCESSED"), Map.of(MESSAGES, 2L)));
        OWN.put("sqs-poison.json", new Expect(Handler.SQS, List.of("e0e0e0e0-0008-4bad-8bad-000000000008"), Map.of(),
                Map.of("e0e0e0e0-0008-4bad-8bad-000000000008", "FAILED message body is not JSON"), Map.of(MESSAGES, 0L)));

        String noFeed = "no feed matches ";
        SHARED.put("eventbridge-s3-object-created-captured.json", new Expect(Handler.EVENTBRIDGE,
                List.of("GAVE_UP " + noFeed + "s3-eb-unwrap-sourcebucket/s3-eb-template.yaml"),
                Map.of("s3-eb-unwrap-sourcebucket/s3-eb-template.yaml", "(no ledger row)"),
                // recorded under the event id, as a queued notice is under its message id
                Map.of("78eac3e6-798f-c27e-49ec-bbe3be7bab7d", "FAILED " + noFeed), Map.of(ORDERS, 0L)));
        SHARED.put("eventbridge-s3-object-created.json", new Expect(Handler.EVENTBRIDGE,
                List.of("GAVE_UP " + noFeed + "DOC-EXAMPLE-BUCKET1/example-key#IYV3p45BT0ac8hjHg1houSdS1a.Mro8e"),
                Map.of("DOC-EXAMPLE-BUCKET1/example-key", "(no ledger row)"),
                Map.of("17793124-05d4-b198-2fde-7ededc63b103", "FAILED " + noFeed), Map.of(ORDERS, 0L)));
        // a removal is recorded in the ledger even without a feed (feed '-')
        SHARED.put("eventbridge-s3-object-deleted.json", new Expect(Handler.EVENTBRIDGE,
                List.of("REMOVED DOC-EXAMPLE-BUCKET1/example-key#1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF"),
                Map.of("DOC-EXAMPLE-BUCKET1/example-key", "REMOVED"), Map.of(), Map.of(ORDERS, 0L)));
        SHARED.put("s3-objectremoved-delete-real.json", new Expect(Handler.S3,
                List.of("REMOVED noaa-dcdb-bathymetry-pds/docs/test.txt"),
                Map.of("noaa-dcdb-bathymetry-pds/docs/test.txt", "REMOVED"), Map.of(), Map.of(ORDERS, 0L)));
        SHARED.put("s3-objectremoved-delete.json", new Expect(Handler.S3,
                List.of("REMOVED lambda-artifacts-deafc19498e3f2df/b21b84d653bb07b05b1e6b33684dc11b"),
                Map.of("lambda-artifacts-deafc19498e3f2df/b21b84d653bb07b05b1e6b33684dc11b", "REMOVED"), Map.of(),
                Map.of(ORDERS, 0L)));
        // year%3D2020/month%3D05/test1.txt decoded once, matched by feed partitioned-text, object put first
        SHARED.put("s3-put-encoded-key-real.json", new Expect(Handler.S3,
                List.of("COMPLETED test-fb-ks/year=2020/month=05/test1.txt"),
                Map.of("test-fb-ks/year=2020/month=05/test1.txt", "COMPLETED"), Map.of(), Map.of(ORDERS, 1L)));
        SHARED.put("s3-put-lambda-direct-lambda-docs.json", new Expect(Handler.S3,
                List.of("GAVE_UP " + noFeed + "DOC-EXAMPLE-BUCKET/b21b84d653bb07b05b1e6b33684dc11b"),
                Map.of("DOC-EXAMPLE-BUCKET/b21b84d653bb07b05b1e6b33684dc11b", "(no ledger row)"),
                // a direct notice is recorded under its object version and sequencer, as on every path
                Map.of("s3://DOC-EXAMPLE-BUCKET/b21b84d653bb07b05b1e6b33684dc11b@0C0F6F405D6ED209E1", "FAILED " + noFeed),
                Map.of(ORDERS, 0L)));
        SHARED.put("s3-put-lambda-direct.json", new Expect(Handler.S3,
                List.of("GAVE_UP " + noFeed + "mybucket/HappyFace.jpg#096fKKXTRTtl3on89fVO.nfljtsv6qko"),
                Map.of("mybucket/HappyFace.jpg", "(no ledger row)"),
                Map.of("s3://mybucket/HappyFace.jpg#096fKKXTRTtl3on89fVO.nfljtsv6qko@0055AED6DCD90281E5", "FAILED " + noFeed),
                Map.of(ORDERS, 0L)));
        SHARED.put("s3-test-event.json", new Expect(Handler.SQS_BODY, List.of(), Map.of(), Map.of(), Map.of(ORDERS, 0L)));
        // an S3 notice without a feed through a queue: a permanent failure, recorded, left to the redrive policy
        SHARED.put("sqs-eventbridge-s3-object-created-captured.json", new Expect(Handler.SQS,
                List.of("ee95829a-ba32-471d-9684-34368ab9995e"), Map.of(),
                Map.of("ee95829a-ba32-471d-9684-34368ab9995e", "FAILED " + noFeed + "s3-eb-unwrap-sourcebucket/__init__.py"),
                Map.of(ORDERS, 0L)));
        SHARED.put("sqs-fifo-lambda-docs.json", new Expect(Handler.SQS, List.of("11d6ee51-4cc7-4302-9e22-7cd8afdaadf5"),
                Map.of(), Map.of("11d6ee51-4cc7-4302-9e22-7cd8afdaadf5", "FAILED message body is not JSON"),
                Map.of(MESSAGES, 0L)));
        SHARED.put("sqs-s3-notification-captured.json", new Expect(Handler.SQS, List.of("44103047-3123-4583-aed3-7224000351a8"),
                Map.of(), Map.of("44103047-3123-4583-aed3-7224000351a8", "FAILED " + noFeed + "sqs-s3-unwrap-bucket/samconfig.toml"),
                Map.of(ORDERS, 0L)));
        SHARED.put("sqs-s3-notification.json", new Expect(Handler.SQS, List.of("ca3e7a89-c358-40e5-8aa0-5da01403c267"),
                Map.of(), Map.of("ca3e7a89-c358-40e5-8aa0-5da01403c267", "FAILED " + noFeed + "xxx/test.pdf"),
                Map.of(ORDERS, 0L)));
        SHARED.put("sqs-sns-fifo-business-event.json", new Expect(Handler.SQS, List.of("69bc4bbd-ed69-4325-a434-85c3b428ceab"),
                Map.of(), Map.of("69bc4bbd-ed69-4325-a434-85c3b428ceab", "FAILED"), Map.of(MESSAGES, 0L)));
        SHARED.put("sqs-sns-rawdelivery-s3-notification.json", new Expect(Handler.SQS,
                List.of("519619da-e529-46d7-b58c-bc054405af0f"), Map.of(),
                Map.of("519619da-e529-46d7-b58c-bc054405af0f", "FAILED " + noFeed + "unwraptestevents-bucket/samconfig.toml"),
                Map.of(ORDERS, 0L)));
        SHARED.put("sqs-sns-s3-notification.json", new Expect(Handler.SQS, List.of("45405be4-2278-4eef-a29c-993898bb8917"),
                Map.of(), Map.of("45405be4-2278-4eef-a29c-993898bb8917",
                        "FAILED " + noFeed + "unwraptestevents-bucket/firehose-s3-template.json"), Map.of(ORDERS, 0L)));
        SHARED.put("sqs-standard-lambda-docs.json", new Expect(Handler.SQS,
                List.of("059f36b4-87a3-44ab-83d2-661975830a7d", "2e1424d4-f796-459a-8184-9c92662be6da"), Map.of(),
                Map.of("059f36b4-87a3-44ab-83d2-661975830a7d", "FAILED message body is not JSON",
                        "2e1424d4-f796-459a-8184-9c92662be6da", "FAILED message body is not JSON"), Map.of(MESSAGES, 0L)));
    }

    /** Version id in the own payloads -> the key it names; mapped to the real version id once put. */
    static final Map<String, String> VERSIONED_KEYS = Map.of(
            "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", "acme/orders/2024-05-02.csv",
            "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e", "acme/orders/2024-05-04 east+west%2B.csv",
            "Av9lWbq7Q3.eGkV0f6QvKU6v1mKpJmFo", "globex/shipments/2024-05-03.csv");
    /** Sample version id -> the version S3Proxy assigned to the object put for it. */
    static final Map<String, String> VERSIONS = new LinkedHashMap<>();

    static DataSource db;
    static FunctionEnvironment env;

    @BeforeAll
    static void wire() {
        S3.createBucket(DROP);
        putVendorObjects();
        db = TestDatabase.fresh(ORDERS, MESSAGES);
        FunctionSettings settings = new FunctionSettings("classpath:aws-samples-feeds.yaml", "jdbc:postgresql://test/inlet",
                "test", "test", null, Map.of(), null, "claim-checks/", null, Duration.ofSeconds(2), 8);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new S3BucketReader(S3.client())))
                .workerId("samples").build();
        env = new FunctionEnvironment(settings, S3.client(), SQS.client(), db, inlet);
    }

    /** The vendor objects the own payloads announce, two records each with ids unique per object. */
    static void putVendorObjects() {
        S3.client().putBucketVersioning(b -> b.bucket(DROP)
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String[] acme = {"acme/orders/2024-05-01.csv", "acme/orders/east coast 2024+05=01.csv",
                "acme/orders/2024-05-02.csv", "acme/orders/2024-05-03 final.csv", "acme/orders/2024-05-04 east+west%2B.csv"};
        for (int i = 0; i < acme.length; i++) {
            String csv = "order_id,ordered_at,amount\n" + (100 + 2 * i) + ",2024-05-01T06:00:00Z,1.50\n"
                    + (101 + 2 * i) + ",2024-05-01T06:01:00Z,2.50\n";
            String key = acme[i];
            put(key, csv);
        }
        String[] globex = {"globex/shipments/2024-05-03.csv", "globex/shipments/2024-05-04.csv"};
        for (int i = 0; i < globex.length; i++) {
            String csv = "shipment_id,sent_at\nS-" + (10 * i) + ",2024-05-03T06:00:00Z\nS-" + (10 * i + 1)
                    + ",2024-05-03T06:05:00Z\n";
            String key = globex[i];
            put(key, csv);
        }
        S3.createBucket("test-fb-ks");
        S3.client().putObject(b -> b.bucket("test-fb-ks").key("year=2020/month=05/test1.txt"),
                RequestBody.fromString("{\"id\":\"t-1\",\"at\":\"2020-05-01T00:00:00Z\"}\n"));
    }

    private static void put(String key, String csv) {
        String version = S3.client().putObject(b -> b.bucket(DROP).key(key), RequestBody.fromString(csv)).versionId();
        VERSIONS.putAll(VERSIONED_KEYS.entrySet().stream().filter(e -> e.getValue().equals(key))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> version)));
    }

    /** The payload (and expected answers) with each sample version id replaced by the real one. */
    static String withRealVersions(String text) {
        for (Map.Entry<String, String> v : VERSIONS.entrySet()) text = text.replace(v.getKey(), v.getValue());
        return text;
    }

    @TestFactory
    Stream<DynamicTest> everyOwnPayloadRunsThroughItsHandlerWithTheExpectedOutcome() {
        return cases(SamplePayloads.OWN, OWN);
    }

    @TestFactory
    Stream<DynamicTest> everySharedReferencePayloadRunsThroughItsHandlerWithTheExpectedOutcome() {
        assumeTrue(Files.isDirectory(SamplePayloads.SHARED),
                "shared reference payloads absent at " + SamplePayloads.SHARED.toAbsolutePath() + ": skipped");
        return cases(SamplePayloads.SHARED, SHARED);
    }

    private static Stream<DynamicTest> cases(Path dir, Map<String, Expect> table) {
        List<String> files = SamplePayloads.jsonFiles(dir).stream().map(p -> p.getFileName().toString()).toList();
        assertThat(files).as("every payload in %s has an expected outcome", dir)
                .containsExactlyInAnyOrderElementsOf(table.keySet());
        // in the table's order: a removal after the put it removes
        return table.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(),
                () -> check(withRealVersions(SamplePayloads.read(dir.resolve(e.getKey()))), e.getValue())));
    }

    static void check(String json, Expect expect) throws Exception {
        Map<String, Long> before = counts(expect.appended().keySet());
        List<String> answer = run(expect.handler(), json);
        assertThat(answer).as("handler answer")
                .containsExactlyElementsOf(expect.answer().stream().map(PayloadHandlingTest::withRealVersions).toList());
        for (Map.Entry<String, String> l : expect.ledger().entrySet()) {
            assertThat(ledgerStatus(l.getKey())).as("ledger status of %s", l.getKey()).isEqualTo(l.getValue());
        }
        for (Map.Entry<String, String> m : expect.messages().entrySet()) {
            assertThat(messageStatus(m.getKey())).as("processed_messages of %s", m.getKey()).startsWith(m.getValue());
        }
        Map<String, Long> after = counts(expect.appended().keySet());
        for (Map.Entry<String, Long> a : expect.appended().entrySet()) {
            assertThat(after.get(a.getKey()) - before.get(a.getKey())).as("events appended to %s", a.getKey())
                    .isEqualTo(a.getValue());
        }
    }

    /** The handler's answer; a thrown exception (Lambda would retry the invocation) as {@code THREW Class: message}. */
    static List<String> run(Handler handler, String json) {
        try {
            return invoke(handler, json);
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            int cut = message.indexOf(" failed");
            return List.of("THREW " + e.getClass().getSimpleName() + ": " + (cut < 0 ? message : message.substring(0, cut + 7)));
        }
    }

    static List<String> invoke(Handler handler, String json) {
        return switch (handler) {
            case S3 -> new S3ObjectHandler(env).handleRequest(env.lambdaJson().s3Event(json), context());
            case EVENTBRIDGE -> List.of(new EventBridgeObjectHandler(env).handleRequest(
                    env.lambdaJson().scheduledEvent(json), context()));
            case SQS -> failedIds(env.lambdaJson().sqsEvent(json));
            case SQS_BODY -> {
                SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
                m.setMessageId("raw-body");
                m.setBody(json);
                m.setEventSource("aws:sqs");
                m.setEventSourceArn("arn:aws:sqs:eu-west-1:111122223333:inlet-vendor-files");
                SQSEvent event = new SQSEvent();
                event.setRecords(List.of(m));
                yield failedIds(event);
            }
        };
    }

    static List<String> failedIds(SQSEvent event) {
        SQSBatchResponse response = new SqsIngestHandler(env).handleRequest(event, context());
        List<String> ids = new ArrayList<>();
        for (SQSBatchResponse.BatchItemFailure f : response.getBatchItemFailures()) ids.add(f.getItemIdentifier());
        return ids;
    }

    static com.amazonaws.services.lambda.runtime.Context context() {
        return TestLambdaContext.withTimeout(60_000);
    }

    static String ledgerStatus(String bucketAndKey) throws Exception {
        int slash = bucketAndKey.indexOf('/');
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT status FROM inlet.ingested_files WHERE bucket = ? AND object_key = ? ORDER BY file_id DESC LIMIT 1")) {
            ps.setString(1, bucketAndKey.substring(0, slash));
            ps.setString(2, bucketAndKey.substring(slash + 1));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "(no ledger row)";
            }
        }
    }

    static String messageStatus(String messageId) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT status, reason FROM inlet.processed_messages WHERE message_id = ?")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return "(no row)";
                return rs.getString(1) + (rs.getString(2) == null ? "" : " " + rs.getString(2));
            }
        }
    }

    static Map<String, Long> counts(Iterable<String> tables) throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            for (String t : tables) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t)) {
                    rs.next();
                    out.put(t, rs.getLong(1));
                }
            }
        }
        return out;
    }
}
