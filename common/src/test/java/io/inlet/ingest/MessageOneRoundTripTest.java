package io.inlet.ingest;

import static io.inlet.store.EventStore.GENERIC_PLAN_EVENTS_MAX;
import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ledger.MessageKey;
import io.inlet.ledger.MessageLedger;
import io.inlet.ledger.MessageStatus;
import io.inlet.store.AppendGate;
import io.inlet.store.EventStore;
import io.inlet.store.GatedAppend;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.DeliveryHandler;
import io.inlet.trigger.Verdict;
import io.inlet.trigger.VerdictObserver;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A message in one round trip (issue 18.2): claim, locks, append and counts as one auto-committed
 * statement pair, against the real PostgreSQL, with the server calls counted and the connection lost
 * before or after a call.
 */
class MessageOneRoundTripTest {

    static final String FEEDS = """
            version: 1
            feeds: []
            messages:
              - name: orders
                channel: orders
                format: json
                mapping:
                  event_type: { column: type }
                  stream_id: "order-{order}"
                  occurred_at: { column: at, fallback_to_ingestion_time: true }
                  id: { strategy: column, column: id }
                  payload: { include: all }
                table: order_events
                derived:
                  - { events: appended, destination: shipping }
            """;

    static DataSource raw;
    static FeedRegistry feeds;

    @BeforeAll
    static void start() {
        feeds = FeedRegistry.parse(FEEDS, "feeds.yaml");
        raw = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
    }

    record Core(ServerCalls calls, Inlet inlet, DeliveryHandler handler) {
        Verdict deliver(InboundMessage m) {
            return handler.handle(new Delivery.BusinessMessage(m, null), Deadline.none());
        }
    }

    static Core core() {
        ServerCalls calls = new ServerCalls(raw);
        Inlet inlet = Inlet.builder().dataSource(calls.dataSource()).feeds(feeds).workerId("one-round-trip-test").build();
        return new Core(calls, inlet, inlet.deliveryHandler(null, VerdictObserver.NONE));
    }

    static InboundMessage message(String messageId, String order, String eventId, String amount) {
        return new InboundMessage(messageId, "orders", "{\"type\":\"Placed\",\"order\":\"" + order + "\",\"id\":\"" + eventId
                + "\",\"amount\":" + amount + "}", Map.of());
    }

    static String uuid(int n) {
        return String.format("00000000-0000-4000-8000-%012d", n);
    }

    @Test
    void aNewMessageIsClaimedAppendedCountedAndCommittedInOneServerCall() throws Exception {
        Core core = core();
        int before = core.calls().calls(); // the builder's schema check
        MessageOutcome outcome = core.inlet().ingestMessage(message("rt-1", "rt-1", uuid(1), "1"));

        assertThat(core.calls().calls() - before).as("server calls: one execution, no commit of its own").isEqualTo(1);
        assertThat(core.calls().commits()).isZero();
        assertThat(outcome.status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertThat(outcome.counts().appended()).isEqualTo(1);
        MessageLedger.Entry entry = entry("rt-1");
        assertThat(entry.status()).isEqualTo(MessageStatus.PROCESSED);
        assertThat(entry.appended()).isEqualTo(1);
        assertThat(entry.attempts()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM order_events WHERE stream_id = 'order-rt-1'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outbox WHERE stream_id = 'order-rt-1' AND destination = 'shipping'")).isEqualTo(1);
    }

    @Test
    void aRedeliveryAppendsNothingInOneServerCall() throws Exception {
        Core core = core();
        core.inlet().ingestMessage(message("rt-2", "rt-2", uuid(2), "1"));
        int before = core.calls().calls();

        MessageOutcome again = core.inlet().ingestMessage(message("rt-2", "rt-2", uuid(2), "1"));

        assertThat(again.status()).isEqualTo(MessageOutcome.Status.ALREADY_PROCESSED);
        assertThat(core.calls().calls() - before).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM order_events WHERE stream_id = 'order-rt-2'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outbox WHERE stream_id = 'order-rt-2'")).isEqualTo(1);
        assertThat(entry("rt-2").attempts()).isEqualTo(1);
    }

    @Test
    void aNewMessageWhoseEventIsStoredAlreadyCountsItDuplicate() throws Exception {
        Core core = core();
        core.inlet().ingestMessage(message("rt-3a", "rt-3", uuid(3), "1"));
        MessageOutcome second = core.inlet().ingestMessage(message("rt-3b", "rt-3", uuid(3), "1"));

        assertThat(second.status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertThat(second.counts().duplicate()).isEqualTo(1);
        assertThat(entry("rt-3b").duplicate()).isEqualTo(1);
        assertThat(entry("rt-3b").appended()).isZero();
    }

    @Test
    void aConflictingEventTakesThePathOfSeveralStatementsAndItsRejectionIsRecordedWithTheMessage() throws Exception {
        Core core = core();
        core.inlet().ingestMessage(message("rt-4a", "rt-4", uuid(4), "1"));
        int before = core.calls().calls();

        MessageOutcome conflicting = core.inlet().ingestMessage(message("rt-4b", "rt-4", uuid(4), "2"));

        assertThat(conflicting.status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertThat(conflicting.counts().conflict()).isEqualTo(1);
        assertThat(core.calls().calls() - before).as("the shut gate, then claim, lock, append, rejection, counts, commit")
                .isGreaterThan(2);
        assertThat(entry("rt-4b").conflict()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM rejected_records WHERE message_id = 'rt-4b' AND kind = 'CONFLICT'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM order_events WHERE stream_id = 'order-rt-4'")).isEqualTo(1);
    }

    @Test
    void aMessageThatFailedBeforeIsProcessedWithItsAttemptCountedAndItsReasonCleared() throws Exception {
        Core core = core();
        InboundMessage m = message("rt-5", "rt-5", uuid(5), "1");
        core.inlet().recordFailedMessage(m, "a transient refusal");

        MessageOutcome outcome = core.inlet().ingestMessage(m);

        assertThat(outcome.status()).isEqualTo(MessageOutcome.Status.APPENDED);
        MessageLedger.Entry entry = entry("rt-5");
        assertThat(entry.status()).isEqualTo(MessageStatus.PROCESSED);
        assertThat(entry.attempts()).isEqualTo(2);
        assertThat(entry.reason()).isNull();
        assertThat(entry.appended()).isEqualTo(1);
    }

    @Test
    void anAnswerLostAfterTheServerCommittedLeavesTheRedeliveryNothingToDo() throws Exception {
        Core core = core();
        core.calls().loseAt(1, ServerCalls.Loss.AFTER);
        Verdict first = core.deliver(message("rt-6", "rt-6", uuid(6), "1"));
        assertThat(first.outcome()).isEqualTo(Verdict.Outcome.RETRY);
        assertThat(core.calls().lostAfterCommit()).isTrue();

        Verdict redelivered = core.deliver(message("rt-6", "rt-6", uuid(6), "1"));

        assertThat(redelivered.outcome()).isEqualTo(Verdict.Outcome.DONE);
        assertThat(redelivered.message().status()).isEqualTo(MessageOutcome.Status.ALREADY_PROCESSED);
        assertThat(count("SELECT count(*) FROM order_events WHERE stream_id = 'order-rt-6'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outbox WHERE stream_id = 'order-rt-6'")).isEqualTo(1);
    }

    @Test
    void aConnectionLostBeforeTheCallWritesNothingAndTheRedeliveryAppends() throws Exception {
        Core core = core();
        core.calls().loseAt(1, ServerCalls.Loss.BEFORE);
        assertThat(core.deliver(message("rt-7", "rt-7", uuid(7), "1")).outcome()).isEqualTo(Verdict.Outcome.RETRY);
        assertThat(count("SELECT count(*) FROM processed_messages WHERE message_id = 'rt-7'")).isZero();

        Verdict redelivered = core.deliver(message("rt-7", "rt-7", uuid(7), "1"));

        assertThat(redelivered.message().status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertThat(count("SELECT count(*) FROM order_events WHERE stream_id = 'order-rt-7'")).isEqualTo(1);
    }

    /**
     * The driver sends the lock statement and the append before one Sync, so in auto-commit they are one
     * implicit transaction: the advisory locks are still held while the append runs (a gate that reads
     * this backend's granted advisory locks lets the append through only then).
     */
    @Test
    void theLocksAreHeldWhileTheAppendRunsInTheSameImplicitTransaction() throws Exception {
        AppendGate heldLocks = new AppendGate("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                + "AND granted HAVING count(*) >= ?", List.of(2));
        var events = new MessageDecoder(feeds).decodeMessage(message("rt-8", "rt-8", uuid(8), "1"),
                feeds.matchMessage("orders").orElseThrow(),
                new io.inlet.event.RecordContext("orders", null, "orders/rt-8", "rt-8", "rt-8", java.time.Instant.now())).events();

        GatedAppend gated = new Transactions(raw).inAutoCommit(c -> new EventStore().appendGated(c, "order_events", events,
                List.of(), heldLocks));

        assertThat(gated.passed()).as("the partition and stream locks held during the append").isTrue();
        assertThat(count("SELECT count(*) FROM order_events WHERE stream_id = 'order-rt-8'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).as("released at the implicit commit").isZero();
    }

    /**
     * A message's gated append is server-prepared once per connection and, after PostgreSQL's five custom
     * plans, runs a generic plan: no parse and no planning per message (docs/benchmarks.md, "where the
     * server time goes"). Every message is still appended and ledgered exactly once.
     */
    @Test
    void aMessagesGatedAppendIsParsedOncePerConnectionAndRunsAGenericPlan() throws Exception {
        try (Connection c = raw.getConnection()) {
            for (int i = 0; i < 8; i++) {
                String id = "rt-plan-" + i;
                GatedAppend gated = gatedAppend(c, id, List.of(uuid(900 + i)));
                assertThat(gated.passed()).isTrue();
                assertThat(gated.outcome().outcomes()).containsExactly(io.inlet.store.EventOutcome.APPENDED);
                assertThat(entry(id).appended()).isEqualTo(1);
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*), sum(generic_plans), "
                    + "sum(custom_plans) FROM pg_prepared_statements WHERE statement LIKE '%WITH input AS%'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("one server-prepared gated append on this connection").isEqualTo(1);
                assertThat(rs.getLong(2)).as("generic plans, after the first custom ones").isGreaterThanOrEqualTo(3);
                assertThat(rs.getLong(3)).as("custom plans: PostgreSQL's first five only").isLessThanOrEqualTo(5);
            }
        }
        assertThat(count("SELECT count(*) FROM order_events WHERE stream_id LIKE 'order-rt-plan-%'")).isEqualTo(8);
    }

    /** A batch larger than a message's few events is planned with its values (a generic plan cannot see its size). */
    @Test
    void aLargeGatedAppendIsPlannedWithItsValuesAndNotServerPrepared() throws Exception {
        try (Connection c = raw.getConnection()) {
            for (int round = 0; round < 6; round++) {
                List<String> ids = new java.util.ArrayList<>();
                for (int i = 0; i < 40; i++) ids.add(uuid(10_000 + round * 100 + i));
                assertThat(gatedAppend(c, "rt-wide-" + round, ids).passed()).isTrue();
            }
            assertThat(countOn(c, "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%WITH input AS%'"))
                    .as("planned per execution, as the file path's append").isZero();
        }
        assertThat(count("SELECT count(*) FROM order_events WHERE stream_id LIKE 'order-rt-wide-%'")).isEqualTo(240);
    }

    /**
     * A large message on a connection that already runs the small messages' named statement (a kept
     * connection always has): the driver caches statements by their text and the text does not depend
     * on the batch's size, so without a text of its own the large batch found the named statement and
     * ran its generic plan, the plan a generic plan cannot size (msgattack).
     */
    @Test
    void aLargeGatedAppendAfterSmallOnesOnTheSameConnectionIsStillPlannedWithItsValues() throws Exception {
        try (Connection c = raw.getConnection()) {
            for (int i = 0; i < 7; i++) assertThat(gatedAppend(c, "rt-mixed-" + i, List.of(uuid(30_000 + i))).passed()).isTrue();
            String plans = "SELECT coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements "
                    + "WHERE statement LIKE '%WITH input AS%'";
            long before = countOn(c, plans);
            assertThat(countOn(c, "SELECT sum(generic_plans) FROM pg_prepared_statements WHERE statement LIKE '%WITH input AS%'"))
                    .as("the small messages run the generic plan").isPositive();

            for (int size : new int[] {GENERIC_PLAN_EVENTS_MAX + 1, 40, 100}) {
                List<String> ids = new java.util.ArrayList<>();
                for (int i = 0; i < size; i++) ids.add(uuid(31_000 + size * 1000 + i));
                assertThat(gatedAppend(c, "rt-mixed-large-" + size, ids).passed()).isTrue();
            }

            assertThat(countOn(c, plans)).as("no large batch ran on a server-prepared statement's plan").isEqualTo(before);
            assertThat(gatedAppend(c, "rt-mixed-last", List.of(uuid(39_999))).passed()).isTrue();
            assertThat(countOn(c, plans)).as("the small messages still share their one named statement").isEqualTo(before + 1);
        }
        assertThat(count("SELECT count(*) FROM order_events WHERE stream_id LIKE 'order-rt-mixed-large-%'"))
                .isEqualTo(GENERIC_PLAN_EVENTS_MAX + 1 + 40 + 100);
    }

    /** A connection whose URL turned server-side preparing off ({@code prepareThreshold=0}) plans every message. */
    @Test
    void aConnectionWithServerSidePreparingTurnedOffPlansEveryMessage() throws Exception {
        try (Connection c = raw.getConnection()) {
            c.unwrap(org.postgresql.PGConnection.class).setPrepareThreshold(0); // as prepareThreshold=0 in the URL
            for (int i = 0; i < 6; i++) assertThat(gatedAppend(c, "rt-unprepared-" + i, List.of(uuid(20_000 + i))).passed()).isTrue();
            assertThat(countOn(c, "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%WITH input AS%'")).isZero();
        }
        assertThat(count("SELECT count(*) FROM order_events WHERE stream_id LIKE 'order-rt-unprepared-%'")).isEqualTo(6);
    }

    /** One message {@code messageId} whose events have the ids {@code eventIds}, appended gated on connection {@code c}. */
    static GatedAppend gatedAppend(Connection c, String messageId, List<String> eventIds) throws Exception {
        List<io.inlet.event.EventEnvelope> events = new java.util.ArrayList<>();
        for (String eventId : eventIds) {
            events.addAll(new MessageDecoder(feeds).decodeMessage(message(messageId, messageId, eventId, "1"),
                    feeds.matchMessage("orders").orElseThrow(), new io.inlet.event.RecordContext("orders", null,
                            "orders/" + messageId, messageId, messageId, java.time.Instant.now())).events());
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(true);
        try {
            return new EventStore().appendGated(c, "order_events", events, List.of(),
                    new MessageLedger().claimGate(new MessageKey("orders", messageId), "orders"));
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    static long countOn(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static MessageLedger.Entry entry(String messageId) throws Exception {
        try (Connection c = raw.getConnection()) {
            return new MessageLedger().get(c, new MessageKey("orders", messageId)).orElseThrow();
        }
    }

    static long count(String sql) throws Exception {
        try (Connection c = raw.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
