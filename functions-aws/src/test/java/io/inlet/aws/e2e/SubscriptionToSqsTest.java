package io.inlet.aws.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.OutboxRelayHandler;
import io.inlet.aws.TestLambdaContext;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.s3.S3BucketReader;
import io.inlet.read.SubscriptionStart;
import io.inlet.read.SubscriptionStatus;
import io.inlet.read.Subscriptions;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.FeedsLocation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A catch-up subscription to an SQS FIFO queue (ElasticMQ), run by {@link OutboxRelayHandler}: it
 * backfills history while other transactions keep appending (some with a transaction id taken before
 * they append), then follows them; the queue receives every event once, each stream in version
 * order, with the event id as CloudEvent id and the stream as message group.
 */
class SubscriptionToSqsTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> STREAMS = List.of("order-1", "order-2", "order-3", "order-4", "order-5");

    final DataSource db = TestDatabase.fresh("order_events", "downstream_events");

    @Test
    void backfillWhileAppendsGoOnReachesTheQueueOnceEachInStreamOrder() throws Exception {
        String url = SQS.createQueue("replay.fifo", Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false"));
        FunctionSettings settings = new FunctionSettings("classpath:aws-e2e-feeds.yaml", "jdbc:postgresql://test/inlet",
                "test", "test", null, Map.of("replay", url), null, "claim-checks/", null, Duration.ofSeconds(2), 4);
        Inlet inlet = Inlet.builder().dataSource(db).feeds(new FeedsLocation(settings.feeds()).load(new S3BucketReader(S3.client())))
                .workerId("subscriptions").build();
        FunctionEnvironment env = new FunctionEnvironment(settings, S3.client(), SQS.client(), db, inlet);
        Random random = new Random(16);
        List<UUID> all = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 120; i++) all.add(append(STREAMS.get(random.nextInt(STREAMS.size())), false));
        Transactions tx = new Transactions(db);
        tx.inTransaction(c -> new Subscriptions().add(c, new Subscriptions.AddRequest("replay", "replay",
                new SubscriptionStart.Beginning(), List.of())));

        CompletableFuture<Void> appends = CompletableFuture.runAsync(() -> {
            Random r = new Random(61);
            try {
                for (int i = 0; i < 60; i++) all.add(append(STREAMS.get(r.nextInt(STREAMS.size())), r.nextInt(3) == 0));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        List<Message> received = new ArrayList<>();
        while (!appends.isDone()) {
            relay(env);
            received.addAll(receive(url));
        }
        appends.join();
        for (int i = 0; i < 3; i++) relay(env);
        for (List<Message> got = receive(url); !got.isEmpty(); got = receive(url)) received.addAll(got);

        List<UUID> ids = received.stream().map(m -> UUID.fromString(json(m.body()).path("id").asText())).toList();
        assertThat(ids).as("every event once").containsExactlyInAnyOrderElementsOf(all);
        Map<String, List<Long>> versions = new HashMap<>();
        for (Message m : received) {
            JsonNode ce = json(m.body());
            assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).isEqualTo(ce.path("subject").asText());
            versions.computeIfAbsent(ce.path("subject").asText(), k -> new ArrayList<>()).add(version(ce.path("id").asText()));
        }
        for (var e : versions.entrySet()) {
            assertThat(e.getValue()).as("stream %s in version order", e.getKey()).isSorted().doesNotHaveDuplicates();
        }
        SubscriptionStatus status = tx.inTransaction(new Subscriptions()::status).get(0);
        assertThat(status.state()).isEqualTo(SubscriptionStatus.State.LIVE);
        assertThat(status.behind()).isZero();
        assertThat(status.subscription().delivered()).as("published once each, not deduplicated by the queue").isEqualTo(all.size());
    }

    private static void relay(FunctionEnvironment env) {
        PrintStream stdout = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // the EMF line
            new OutboxRelayHandler(env).handleRequest(Map.of(), TestLambdaContext.withTimeout(60_000));
        } finally {
            System.setOut(stdout);
        }
    }

    private static List<Message> receive(String url) {
        List<Message> got = SQS.client().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        for (Message m : got) SQS.client().deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
        return got;
    }

    /** Appends the stream's next version; {@code early}: the transaction takes its id first and appends a moment later. */
    private UUID append(String stream, boolean early) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            if (early) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_current_xact_id(), pg_sleep(0.02)");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                ps.setString(1, stream); // appends of one stream queue here, as the event store's stream locks make them
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO order_events (event_id, stream_id, stream_version, "
                    + "event_type, occurred_at, source, payload) SELECT ?, ?, coalesce(max(stream_version), 0) + 1, 'OrderPlaced', "
                    + "now(), 'test', '{}' FROM order_events WHERE stream_id = ?")) {
                ps.setObject(1, id);
                ps.setString(2, stream);
                ps.setString(3, stream);
                ps.executeUpdate();
            }
            c.commit();
        }
        return id;
    }

    private long version(String eventId) {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT stream_version FROM order_events WHERE event_id = '" + eventId + "'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
