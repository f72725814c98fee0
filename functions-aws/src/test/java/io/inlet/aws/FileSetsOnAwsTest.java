package io.inlet.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import io.inlet.Inlet;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.metrics.EmfLines;
import io.inlet.feed.FeedRegistry;
import io.inlet.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A gated file set through the S3 notification handler on S3Proxy: the members' notifications load
 * nothing, the marker's loads them all at once; the scheduled arrival check reports a set whose marker
 * never came, once, in its metric.
 */
class FileSetsOnAwsTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    static final String BUCKET = "vendor-sets";
    static final String FEEDS = """
            version: 1
            feeds:
              - name: drops
                bucket: vendor-sets
                key_pattern: "drops/**"
                format: { type: csv }
                mapping:
                  event_type: OrderPlaced
                  stream_id: "order-{order_id}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: order_id }
                table: order_events
                set: { marker: _SUCCESS, timeout: 1h }
                derived: [ { events: summary, destination: ops } ]
            """;

    @org.junit.jupiter.api.BeforeAll
    static void bucket() {
        S3.createBucket(BUCKET);
    }

    @Test
    void membersNotifiedBeforeTheMarkerLoadTogetherWhenTheMarkersNotificationComes() throws Exception {
        DataSource db = TestDatabase.fresh("order_events");
        Inlet inlet = Inlet.builder().dataSource(db).feeds(FeedRegistry.parse(FEEDS, "aws-sets.yaml")).workerId("aws").build();
        FunctionEnvironment env = environment(db, inlet);
        handle(env, put("drops/2026-12-06/part-1.csv", "order_id,amount,at\n1,2,2026-12-06T01:00:00Z\n2,3,2026-12-06T01:00:00Z\n"));
        handle(env, put("drops/2026-12-06/part-2.csv", "order_id,amount,at\n3,4,2026-12-06T01:00:00Z\n"));
        assertThat(count(db, "SELECT count(*) FROM order_events")).isZero();

        handle(env, put("drops/2026-12-06/_SUCCESS", ""));

        assertThat(count(db, "SELECT count(*) FROM order_events")).isEqualTo(3);
        assertThat(count(db, "SELECT count(*) FROM file_sets WHERE status = 'LOADED'")).isEqualTo(1);
    }

    @Test
    void aMarkerNotifiedBeforeItsMembersLoadsEveryMemberInTheBucketOnceAndTheirNotificationsAreDuplicates() throws Exception {
        DataSource db = TestDatabase.fresh("order_events");
        Inlet inlet = Inlet.builder().dataSource(db).feeds(FeedRegistry.parse(FEEDS, "aws-sets.yaml")).workerId("aws").build();
        FunctionEnvironment env = environment(db, inlet);
        S3Event part1 = put("drops/2026-12-08/part-1.csv", "order_id,amount,at\n11,2,2026-12-06T01:00:00Z\n12,3,2026-12-06T01:00:00Z\n");
        S3Event part2 = put("drops/2026-12-08/part-2.csv", "order_id,amount,at\n13,4,2026-12-06T01:00:00Z\n");
        S3Event marker = put("drops/2026-12-08/_SUCCESS", "");

        handle(env, marker);
        assertThat(count(db, "SELECT count(*) FROM order_events")).isEqualTo(3);
        handle(env, part2);
        handle(env, part1);
        handle(env, marker);

        assertThat(count(db, "SELECT count(*) FROM order_events")).isEqualTo(3);
        assertThat(count(db, "SELECT count(*) FROM file_sets WHERE prefix = 'drops/2026-12-08/'")).isEqualTo(1);
        assertThat(count(db, "SELECT count(*) FROM file_sets WHERE prefix = 'drops/2026-12-08/' AND status = 'LOADED'")).isEqualTo(1);
        assertThat(count(db, "SELECT count(*) FROM ingested_files WHERE object_key LIKE 'drops/2026-12-08/%'"))
                .as("one ledger row per object: the listing's identity is the notification's").isEqualTo(3);
        assertThat(count(db, "SELECT count(*) FROM ingested_files WHERE object_key LIKE 'drops/2026-12-08/%' AND status = 'COMPLETED'"))
                .isEqualTo(3);
    }

    @Test
    void theArrivalCheckReportsASetWhoseMarkerNeverCameOnceInItsMetric() throws Exception {
        DataSource db = TestDatabase.fresh("order_events");
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "aws-sets.yaml");
        Inlet inlet = Inlet.builder().dataSource(db).feeds(feeds).workerId("aws").build();
        handle(environment(db, inlet), put("drops/2026-12-07/part-1.csv", "order_id,amount,at\n9,2,2026-12-06T01:00:00Z\n"));
        Inlet later = Inlet.builder().dataSource(db).feeds(feeds).workerId("aws")
                .clock(Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC)).build();
        ArrivalCheckHandler check = new ArrivalCheckHandler(environment(db, later));

        ByteArrayOutputStream first = new ByteArrayOutputStream();
        Map<String, Object> result = check.check(new PrintStream(first, true, StandardCharsets.UTF_8));
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        check.check(new PrintStream(second, true, StandardCharsets.UTF_8));

        assertThat(result).containsEntry("incompleteSets", 1);
        EmfLines firstRun = EmfLines.of(first.toString(StandardCharsets.UTF_8));
        assertThat(firstRun.withMetric(ALERTS).orElseThrow().path(ALERTS).asLong()).isEqualTo(1);
        assertThat(firstRun.allWithMetric("ArrivalEmitted")).extracting(d -> d.path("Kind").asText() + "=" + d.path("ArrivalEmitted").asLong())
                .containsExactly("FileSetIncomplete=1");
        // the second run emits nothing new: the counter did not grow, so no ArrivalAlerts figure is exported
        assertThat(EmfLines.of(second.toString(StandardCharsets.UTF_8)).withMetric(ALERTS)).isEmpty();
        assertThat(count(db, "SELECT count(*) FROM outbox WHERE event_type = 'FileSetIncomplete'")).isEqualTo(1);
    }

    /** The EMF name of {@code inlet.arrival.alerts}, on which the CDK alarm reads. */
    private static final String ALERTS = "ArrivalAlerts";

    private static FunctionEnvironment environment(DataSource db, Inlet inlet) {
        FunctionSettings settings = new FunctionSettings("classpath:aws-e2e-feeds.yaml", "jdbc:postgresql://test/inlet",
                "test", "test", null, Map.of(), null, "claim-checks/", null, Duration.ofSeconds(2), 4);
        return new FunctionEnvironment(settings, S3.client(), null, db, inlet);
    }

    private static void handle(FunctionEnvironment env, S3Event event) {
        List<String> out = new S3ObjectHandler(env).handleRequest(event, TestLambdaContext.withTimeout(60_000));
        assertThat(out).isNotNull();
    }

    /** Puts the object and builds its notification from the project's direct-put sample. */
    private static S3Event put(String key, String body) {
        S3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(body));
        var head = S3.client().headObject(b -> b.bucket(BUCKET).key(key));
        String json = SamplePayloads.read(SamplePayloads.OWN.resolve("s3-put-direct.json"))
                .replace("inlet-vendor-drop", BUCKET)
                .replace("acme/orders/2024-05-01.csv", key)
                .replace("\"size\": 2048", "\"size\": " + head.contentLength())
                .replace("9b2cf535f27731c974343645a3985328", head.eTag().replace("\"", ""));
        return new LambdaEventJsonAccess().s3Event(json);
    }

    private static final class LambdaEventJsonAccess {
        private final io.inlet.aws.decode.LambdaEventJson json = new io.inlet.aws.decode.LambdaEventJson();

        S3Event s3Event(String text) {
            return json.s3Event(text);
        }
    }

    private static long count(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
