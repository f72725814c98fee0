package io.inlet.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.inlet.Inlet;
import io.inlet.aws.decode.LambdaEventJson;
import io.inlet.aws.decode.S3EventDecoder;
import io.inlet.aws.decode.SqsBodyDecoder;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.gcp.decode.StorageEventDecoder;
import io.inlet.ingest.InboundMessage;
import io.inlet.source.ObjectGoneException;
import io.inlet.source.ObjectSource;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.DeliveryHandler;
import io.inlet.trigger.Verdict;
import io.inlet.trigger.VerdictObserver;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile object keys and payloads through both clouds' decoders and the one {@link DeliveryHandler}
 * over the real PostgreSQL. For every key (seeded: {@code +}, {@code %}, NUL, 1,025 bytes, unicode
 * variants, random code points), S3 and GCS notices of the same missing object end in the same
 * verdict; a GAVE_UP is recorded in processed_messages with its reason; a poison payload is recorded
 * however hostile its text; with the database down, recording fails and the verdict is RETRY (nothing
 * acknowledged unrecorded). Replay: the failing seed is in the assertion message; set {@code SEED}.
 */
class HostileDeliveriesTest {

    private static final long SEED = 15_2026L;
    private static final int CASES = 150;
    private static final String[] KEYS = {
        "acme/a+b.csv", "acme/a%2Bb.csv", "acme/%", "acme/a\u0000b.csv", "acme/" + "k".repeat(1025), "acme/e\u0301.csv",
        "acme/\u00e9.csv", "acme/ \u2028\uFEFF.csv", "acme/\uD83D\uDE00.csv", "acme/a%00b", "acme/..", "acme//x",
    };
    private static final LambdaEventJson LAMBDA_JSON = new LambdaEventJson();
    private static final AtomicBoolean DATABASE_DOWN = new AtomicBoolean();
    private static DataSource db;
    private static DeliveryHandler deliveries;
    /** GCP's own database: one bucket lives in one cloud, so each cloud's ledger is apart (the sequencers never meet). */
    private static DataSource gcpDb;
    private static DeliveryHandler gcpDeliveries;

    /** Every object is missing, as S3 and GCS answer 404: the permanent failure both sources report. */
    private static final ObjectSource MISSING = (ref, from) -> {
        throw new ObjectGoneException("no such object " + ref.displayName());
    };

    @BeforeAll
    static void start() throws Exception {
        DataSource real = TestDatabase.fresh("conformance_events", "conformance_messages");
        db = real;
        DataSource flaky = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && DATABASE_DOWN.get()) {
                        throw new SQLException("connection refused", "08001");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        FeedRegistry feeds;
        try (InputStream in = HostileDeliveriesTest.class.getResourceAsStream("/conformance-feeds.yaml")) {
            feeds = FeedRegistry.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "conformance-feeds.yaml");
        }
        deliveries = Inlet.builder().dataSource(flaky).feeds(feeds).workerId("hostile").build()
                .deliveryHandler(MISSING, VerdictObserver.NONE);
        gcpDb = TestDatabase.fresh("conformance_events", "conformance_messages");
        gcpDeliveries = Inlet.builder().dataSource(gcpDb).feeds(feeds).workerId("hostile-gcp").build()
                .deliveryHandler(MISSING, VerdictObserver.NONE);
    }

    @Test
    void bothCloudsGiveTheSameRecordedVerdictForEveryHostileKey() throws Exception {
        Random random = new Random(SEED);
        java.util.Set<String> keysSeen = new java.util.HashSet<>();
        for (int i = 0; i < CASES; i++) {
            long seed = random.nextLong();
            String key = key(new Random(seed));
            Delivery s3 = S3EventDecoder.decode(LAMBDA_JSON.s3Event(s3Event(key)), null).get(0);
            Delivery gcs = StorageEventDecoder.decode(CloudEventBuilder.v1().withId("ev-" + seed)
                    .withType(StorageEventDecoder.FINALIZED).withSource(URI.create("//storage.googleapis.com/projects/_/buckets/inlet-vendor-drop"))
                    .withData("application/json", ("{\"bucket\":\"inlet-vendor-drop\",\"name\":" + json(key) + ",\"generation\":\"7\"}")
                            .getBytes(StandardCharsets.UTF_8)).build());
            List<Verdict> verdicts = new ArrayList<>();
            for (Delivery d : List.of(s3, gcs)) {
                DeliveryHandler handler = d == s3 ? deliveries : gcpDeliveries;
                Verdict v = handler.handle(d, Deadline.none());
                verdicts.add(v);
                if (v.outcome() == Verdict.Outcome.GAVE_UP) {
                    assertThat(recorded(d == s3 ? db : gcpDb, original(d))).as("seed %d key %s: recorded", seed, printable(key)).isNotNull();
                }
                Verdict again = handler.handle(d, Deadline.none());
                assertThat(again.outcome()).as("seed %d key %s: the same delivery twice", seed, printable(key)).isEqualTo(v.outcome());
            }
            assertThat(verdicts.get(0).outcome()).as("seed %d key %s: S3 %s, GCS %s", seed, printable(key),
                    verdicts.get(0).detail(), verdicts.get(1).detail()).isEqualTo(verdicts.get(1).outcome());
            assertThat(verdicts.get(0).fileReport().map(r -> r.outcome()))
                    .as("seed %d key %s: file outcome", seed, printable(key)).isEqualTo(verdicts.get(1).fileReport().map(r -> r.outcome()));
            // a missing object is permanent: the file is REJECTED on its ledger row (DONE) or the notice is given up
            assertThat(verdicts.get(0).acknowledges()).as("seed %d key %s: %s", seed, printable(key), verdicts.get(0).detail())
                    .isTrue();
            keysSeen.add(key);
        }
        assertThat(keysSeen).as("the search reached every listed key").containsAll(List.of(KEYS));
    }

    @Test
    void aPoisonBodyHoldingNulIsRecordedAndGivenUp() throws Exception {
        SQSMessage m = new SQSMessage();
        m.setMessageId("nul-body");
        m.setBody("not json \u0000 at all");
        Delivery d = new SqsBodyDecoder(LAMBDA_JSON).decode(m, "inlet-vendor-files").get(0);
        Verdict v = deliveries.handle(d, Deadline.none());
        assertThat(v.outcome()).as(v.detail()).isEqualTo(Verdict.Outcome.GAVE_UP);
        assertThat(recorded(original(d))).isNotNull();
    }

    @Test
    void aPubSubPushWhoseMessageIdHoldsNulOrALoneSurrogateIsRecordedAndGivenUp() throws Exception {
        for (String id : List.of("m\\u0000x", "m\\ud800x")) {
            byte[] body = ("{\"subscription\":\"projects/p/subscriptions/s\",\"message\":{\"messageId\":\"" + id
                    + "\",\"data\":\"bm90IGpzb24=\"}}").getBytes(StandardCharsets.UTF_8);
            Delivery d = io.inlet.gcp.decode.PushEnvelopeDecoder.decode(body, null).content();
            Verdict v = gcpDeliveries.handle(d, Deadline.none());
            assertThat(v.outcome()).as("%s: %s", id, v.detail()).isIn(Verdict.Outcome.GAVE_UP, Verdict.Outcome.DONE);
            if (v.outcome() == Verdict.Outcome.GAVE_UP) assertThat(recorded(gcpDb, original(d))).isNotNull();
        }
    }

    @Test
    void withTheDatabaseDownAPermanentFailureIsRetriedNotAcknowledged() throws Exception {
        Delivery d = S3EventDecoder.decode(LAMBDA_JSON.s3Event(s3Event("acme/down.csv")), null).get(0);
        DATABASE_DOWN.set(true);
        Verdict v;
        try {
            v = deliveries.handle(d, Deadline.none());
        } finally {
            DATABASE_DOWN.set(false);
        }
        assertThat(v.outcome()).as(v.detail()).isEqualTo(Verdict.Outcome.RETRY);
        assertThat(v.acknowledges()).isFalse();
        assertThat(recorded(original(d))).isNull();
    }

    private static String key(Random r) {
        if (r.nextBoolean()) return KEYS[r.nextInt(KEYS.length)];
        StringBuilder b = new StringBuilder("acme/");
        int n = 1 + r.nextInt(12);
        for (int i = 0; i < n; i++) {
            int cp;
            do {
                cp = r.nextInt(4) == 0 ? r.nextInt(0x20) : r.nextInt(0x2FFFF);
            } while (Character.getType(cp) == Character.SURROGATE || Character.getType(cp) == Character.UNASSIGNED);
            b.appendCodePoint(cp);
        }
        return b.toString();
    }

    /** As S3 writes a notification: the key form-URL-encoded. */
    private static String s3Event(String key) {
        return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"eu-west-1\",\"eventTime\":\"2024-05-01T10:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"bucket\":{\"name\":\"inlet-vendor-drop\"},\"object\":{\"key\":"
                + json(URLEncoder.encode(key, StandardCharsets.UTF_8)) + ",\"size\":5,\"sequencer\":\"0A\"}}}]}";
    }

    private static String json(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InboundMessage original(Delivery d) {
        return d instanceof Delivery.ObjectNotice n ? n.original()
                : d instanceof Delivery.BusinessMessage m ? m.message() : ((Delivery.Undecodable) d).original();
    }

    private static String recorded(InboundMessage original) throws SQLException {
        return recorded(db, original);
    }

    private static String recorded(DataSource in, InboundMessage original) throws SQLException {
        try (Connection c = in.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT reason FROM inlet.processed_messages WHERE channel = ? AND message_id = ? AND status = 'FAILED'")) {
            ps.setString(1, io.inlet.event.PostgresValues.storable(original.channel()));
            ps.setString(2, io.inlet.event.PostgresValues.storable(original.messageId()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String printable(String key) {
        return key.length() > 60 ? key.substring(0, 60) + "...(" + key.length() + ")" : key.replace("\u0000", "\\0");
    }
}
