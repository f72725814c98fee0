package io.inlet.aws.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.inlet.Inlet;
import io.inlet.aws.FunctionEnvironment;
import io.inlet.aws.OutboxRelayHandler;
import io.inlet.aws.SqsIngestHandler;
import io.inlet.aws.TestLambdaContext;
import io.inlet.aws.config.FunctionSettings;
import io.inlet.aws.config.WakeQueue;
import io.inlet.aws.emulator.S3Emulator;
import io.inlet.aws.emulator.SqsEmulator;
import io.inlet.aws.sqs.ReceivedMessages;
import io.inlet.feed.FeedRegistry;
import io.inlet.outbox.RelayWakeSettings;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.SettingException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The post-commit wake-up on AWS, through ElasticMQ and the real handlers: a business message into
 * SqsIngestHandler leaves one wake on the wake queue; the relay handler, invoked with that queue's
 * records as an event source mapping delivers them, publishes the derived event to its destination.
 */
class RelayWakeOnAwsTest {

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();
    @RegisterExtension
    static final SqsEmulator SQS = new SqsEmulator();

    static final String FEEDS = """
            version: 1
            messages:
              - name: payments
                channel: payments-in
                mapping:
                  event_type: { column: type }
                  stream_id: "account-{account}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: payment_events
                derived:
                  - { events: appended, destination: payments-out }
            """;

    static DataSource db;
    static Inlet inlet;
    static String inbound, inboundArn, wakes, destination;

    @BeforeAll
    static void wire() {
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "feeds.yaml");
        db = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        inlet = Inlet.builder().dataSource(db).feeds(feeds).workerId("wake").build();
        inbound = SQS.createQueue("payments-in");
        inboundArn = SQS.client().getQueueAttributes(b -> b.queueUrl(inbound).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        wakes = SQS.createQueue("inlet-relay-wake.fifo");
        destination = SQS.createQueue("payments-out");
    }

    static FunctionEnvironment environment(String wakeQueueUrl) {
        FunctionSettings settings = new FunctionSettings("classpath:unused.yaml", "jdbc:postgresql://test/inlet", "test", "test",
                null, Map.of("payments-out", destination), null, "claim-checks/", null, Duration.ofSeconds(2), 4);
        return new FunctionEnvironment(settings, S3.client(), SQS.client(), db, inlet,
                new WakeQueue(wakeQueueUrl, RelayWakeSettings.DEFAULTS));
    }

    private static SQSBatchResponse ingest(FunctionEnvironment env, String id) {
        SQS.client().sendMessage(b -> b.queueUrl(inbound).messageBody(
                "{\"id\":\"" + id + "\",\"type\":\"PaymentTaken\",\"account\":\"a-1\",\"at\":\"2026-12-06T10:00:00Z\"}"));
        List<Message> received = SQS.client().receiveMessage(b -> b.queueUrl(inbound).maxNumberOfMessages(10).waitTimeSeconds(1))
                .messages();
        SQSEvent event = ReceivedMessages.asSqsEvent(received, inboundArn, env.lambdaJson());
        SQSBatchResponse response = new SqsIngestHandler(env).handleRequest(event, TestLambdaContext.withTimeout(60_000));
        received.forEach(m -> SQS.client().deleteMessage(b -> b.queueUrl(inbound).receiptHandle(m.receiptHandle())));
        return response;
    }

    private static List<Message> drain(String queueUrl) {
        List<Message> out = SQS.client().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        out.forEach(m -> SQS.client().deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));
        return out;
    }

    /** The wake queue's records as the event source mapping hands them to the relay function (a JSON map). */
    private static Map<String, Object> asMappingEvent(List<Message> wakeMessages) {
        return Map.of("Records", wakeMessages.stream().map(m -> (Object) Map.of("messageId", m.messageId(), "body", m.body(),
                "eventSource", "aws:sqs", "eventSourceARN", "arn:aws:sqs:eu-west-1:000000000000:inlet-relay-wake.fifo")).toList());
    }

    @Test
    void anIngestedMessageWakesTheRelayWhichPublishesItsDerivedEvent() {
        FunctionEnvironment env = environment(wakes);
        String id = UUID.randomUUID().toString();
        assertThat(ingest(env, id).getBatchItemFailures()).isEmpty();

        List<Message> wake = drain(wakes);
        assertThat(wake).hasSize(1);
        new OutboxRelayHandler(env).handleRequest(asMappingEvent(wake), TestLambdaContext.withTimeout(60_000));

        List<Message> derived = drain(destination);
        assertThat(derived).hasSize(1);
        assertThat(derived.get(0).body()).contains(id);
    }

    @Test
    void theWakeSentBesideTheBatchIsOnTheQueueWhenTheHandlerReturns() {
        FunctionEnvironment env = environment(wakes);
        drain(wakes);
        double sentBefore = env.inlet().meterRegistry().counter("inlet.relay.wakes", "result", "SENT").count();
        assertThat(ingest(env, UUID.randomUUID().toString()).getBatchItemFailures()).isEmpty();
        // no long poll: the handler joined the wake's send before it returned (Lambda freezes the sandbox after)
        List<Message> wake = SQS.client().receiveMessage(b -> b.queueUrl(wakes).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
        assertThat(wake).hasSize(1);
        wake.forEach(m -> SQS.client().deleteMessage(b -> b.queueUrl(wakes).receiptHandle(m.receiptHandle())));
        assertThat(env.inlet().meterRegistry().counter("inlet.relay.wakes", "result", "SENT").count()).isEqualTo(sentBefore + 1);
    }

    @Test
    void wakesOfOneWindowFromSeveralInstancesAreOneMessageOnTheFifoQueue() {
        io.inlet.aws.sqs.SqsRelayWaker[] instances = {
                new io.inlet.aws.sqs.SqsRelayWaker(SQS.client(), wakes, Duration.ofMinutes(1)),
                new io.inlet.aws.sqs.SqsRelayWaker(SQS.newClient(), wakes, Duration.ofMinutes(1))};
        drain(wakes);
        // a one-minute window: unless the minute turns between the sends, SQS keeps one; never more than two
        for (int i = 0; i < 10; i++) instances[i % 2].wake();
        int received = 0;
        for (List<Message> batch = drain(wakes); !batch.isEmpty(); batch = drain(wakes)) received += batch.size();
        assertThat(received).isBetween(1, 2);
    }

    @Test
    void aWakeThatCannotBeSentNeitherFailsTheMessageNorUndoesItsEvents() throws Exception {
        FunctionEnvironment env = environment(SQS.endpoint() + "/000000000000/no-such-wake-queue");
        String id = UUID.randomUUID().toString();
        assertThat(ingest(env, id).getBatchItemFailures()).isEmpty();
        assertThat(count("SELECT count(*) FROM payment_events WHERE payload->>'id' = '" + id + "'")).isEqualTo(1);
        assertThat(env.inlet().meterRegistry().counter("inlet.relay.wakes", "result", "FAILED").count()).isPositive();
        // the scheduled relay (a scheduled event as input) still publishes it
        new OutboxRelayHandler(env).handleRequest(Map.of("source", "aws.events"), TestLambdaContext.withTimeout(60_000));
        assertThat(drain(destination)).anySatisfy(m -> assertThat(m.body()).contains(id));
    }

    @Test
    void onlyAnSqsEventIsAWakeAScheduledEventIsNot() {
        assertThat(OutboxRelayHandler.isWake(Map.of("Records", List.of(Map.of("eventSource", "aws:sqs"))))).isTrue();
        assertThat(OutboxRelayHandler.isWake(Map.of("source", "aws.events", "detail-type", "Scheduled Event"))).isFalse();
        assertThat(OutboxRelayHandler.isWake(Map.of())).isFalse();
    }

    @Test
    void theWakeQueueIsOptionalAndAWrongValueFailsStartUpNamingItsVariable() {
        assertThat(WakeQueue.fromEnvironment(Map.of())).isNull();
        assertThat(WakeQueue.fromEnvironment(Map.of("INLET_RELAY_WAKE_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/1/w",
                "INLET_RELAY_WAKE_WINDOW_MS", "250")).settings().window()).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> WakeQueue.fromEnvironment(Map.of("INLET_RELAY_WAKE_QUEUE_URL", "inlet-relay-wake")))
                .isInstanceOf(SettingException.class).hasMessageStartingWith("INLET_RELAY_WAKE_QUEUE_URL");
        assertThatThrownBy(() -> WakeQueue.fromEnvironment(Map.of("INLET_RELAY_WAKE_QUEUE_URL", "https://sqs/1/w",
                "INLET_RELAY_WAKE_POLL_MS", "0"))).isInstanceOf(SettingException.class).hasMessageStartingWith("INLET_RELAY_WAKE_POLL_MS");
    }

    private static long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
