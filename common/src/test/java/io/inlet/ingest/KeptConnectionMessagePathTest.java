package io.inlet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.db.KeptConnection;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.Delivery;
import io.inlet.trigger.DeliveryHandler;
import io.inlet.trigger.Verdict;
import io.inlet.trigger.VerdictObserver;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The message path on a kept connection (one per function instance) when its backend is killed or its
 * statement cancelled while the one-round-trip statement waits, when the server goes away and comes
 * back, and when an operator points the database's or the role's search_path elsewhere (msgattack).
 * Each test runs the gated append to its generic plan first, so what is hit is the connection as it
 * runs in production: its named statement cached, its plan kept.
 */
class KeptConnectionMessagePathTest {

    static final FeedRegistry FEEDS = FeedRegistry.parse(MessageOneRoundTripTest.FEEDS, "feeds.yaml");

    DataSource raw;
    Connection observer;
    KeptConnection kept;
    DeliveryHandler handler;

    @BeforeEach
    void instance() throws Exception {
        raw = TestDatabase.fresh(List.copyOf(FEEDS.eventTables()));
        observer = raw.getConnection();
        kept = new KeptConnection(raw);
        handler = Inlet.builder().dataSource(kept).feeds(FEEDS).workerId("kept-path").build().deliveryHandler(null, VerdictObserver.NONE);
        for (int i = 0; i < 7; i++) assertThat(deliver("warm-" + i, 1_000 + i).outcome()).isEqualTo(Verdict.Outcome.DONE);
    }

    @AfterEach
    void close() throws Exception {
        kept.close();
        observer.close();
    }

    @Test
    void aBackendKilledWhileTheAppendWaitsWritesNothingAndTheRedeliveryAppendsOnceOnANewConnection() throws Exception {
        int before = pid();
        CompletableFuture<Verdict> first = blockedDelivery("killed", 1, () -> execute("SELECT pg_terminate_backend(" + before + ")"));

        assertThat(first.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(Verdict.Outcome.RETRY);
        assertNothingOf("killed");

        Verdict again = deliver("killed", 1);
        assertThat(again.message().status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertThat(pid()).as("a new connection").isNotEqualTo(before);
        assertOnce("killed");
    }

    @Test
    void aCancelledAppendRollsBackWholeAndTheInstanceKeepsItsConnection() throws Exception {
        int before = pid();
        CompletableFuture<Verdict> first = blockedDelivery("cancelled", 2, () -> execute("SELECT pg_cancel_backend(" + before + ")"));

        assertThat(first.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(Verdict.Outcome.RETRY);
        assertNothingOf("cancelled");
        assertThat(count("SELECT count(*) FROM pg_stat_activity WHERE pid = " + before + " AND state <> 'idle'"))
                .as("no transaction left open on the kept connection").isZero();

        Verdict again = deliver("cancelled", 2);
        assertThat(again.message().status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertThat(pid()).as("the same connection, checked and kept").isEqualTo(before);
        assertOnce("cancelled");
    }

    @Test
    void aServerGoneAwayCostsTheMessageInFlightAndTheInstanceReconnectsWhenItIsBack() throws Exception {
        int before = pid();
        String db = database();
        // as a restart looks to a client: every backend gone, connections refused until it is back
        try (Connection admin = io.inlet.db.Database.dataSource(TestDatabase.server()).getConnection();
             Statement s = admin.createStatement()) {
            s.execute("ALTER DATABASE " + db + " ALLOW_CONNECTIONS false");
            try {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
                long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                for (boolean gone = false; !gone; Thread.sleep(5)) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db + "'")) {
                        rs.next();
                        gone = rs.getLong(1) == 0;
                    }
                    assertThat(System.nanoTime()).as("every backend gone").isLessThan(until);
                }
                observer = raw.getConnection(); // not yet: refused
                throw new AssertionError("connections should be refused");
            } catch (java.sql.SQLException refused) {
                assertThat(deliver("down-1", 3).outcome()).as("the dead connection, met inside the quiet second")
                        .isEqualTo(Verdict.Outcome.RETRY);
                assertThat(deliver("down-1", 3).outcome()).as("no connection while the server refuses them")
                        .isEqualTo(Verdict.Outcome.RETRY);
            } finally {
                s.execute("ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
            }
        }
        observer = raw.getConnection();
        assertNothingOf("down-1");

        assertThat(deliver("down-1", 3).message().status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertThat(deliver("down-2", 4).message().status()).isEqualTo(MessageOutcome.Status.APPENDED);
        assertThat(pid()).isNotEqualTo(before);
        assertOnce("down-1");
        assertOnce("down-2");
    }

    @Test
    void anOperatorsSearchPathForTheDatabaseOrTheRoleDoesNotMoveTheAppend() throws Exception {
        execute("CREATE SCHEMA decoy");
        for (String table : List.of("order_events", "outbox", "processed_messages")) {
            execute("CREATE TABLE decoy." + table + " (LIKE inlet." + table + " INCLUDING ALL)");
        }
        String db = database();
        execute("ALTER DATABASE " + db + " SET search_path = decoy, inlet, public");
        execute("ALTER ROLE CURRENT_USER IN DATABASE " + db + " SET search_path = decoy, inlet, public");
        try {
            kept.discard(); // the next invocation opens a new session, which takes the settings
            assertThat(deliver("decoyed", 5).message().status()).isEqualTo(MessageOutcome.Status.APPENDED);
            assertThat(deliver("decoyed", 5).message().status()).isEqualTo(MessageOutcome.Status.ALREADY_PROCESSED);
        } finally {
            execute("ALTER ROLE CURRENT_USER IN DATABASE " + db + " RESET search_path");
            execute("ALTER DATABASE " + db + " RESET search_path");
        }
        assertOnce("decoyed");
        assertThat(count("SELECT (SELECT count(*) FROM decoy.order_events) + (SELECT count(*) FROM decoy.outbox) "
                + "+ (SELECT count(*) FROM decoy.processed_messages)")).as("nothing written to the decoy schema").isZero();
    }

    /**
     * Delivers message {@code id} while an operator holds the event table locked, runs {@code hit} once
     * the kept connection's statement waits for that lock, then lets go of the table.
     */
    CompletableFuture<Verdict> blockedDelivery(String id, int event, ThrowingRunnable hit) throws Exception {
        int pid = pid();
        observer.setAutoCommit(false);
        execute("LOCK TABLE order_events IN ACCESS EXCLUSIVE MODE");
        CompletableFuture<Verdict> delivery = CompletableFuture.supplyAsync(() -> deliver(id, event));
        try {
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (count("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid + " AND wait_event_type = 'Lock'") == 0) {
                assertThat(System.nanoTime()).as("the append waits for the table").isLessThan(until);
                Thread.sleep(5);
            }
            assertThat(count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = " + pid))
                    .as("the lock statement ran: its advisory locks are held while the append waits").isPositive();
            hit.run();
            delivery.get(20, TimeUnit.SECONDS); // failed before the table is let go
        } finally {
            observer.rollback();
            observer.setAutoCommit(true);
        }
        return delivery;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    Verdict deliver(String id, int event) {
        kept.revalidate();
        return handler.handle(new Delivery.BusinessMessage(MessageOneRoundTripTest.message(id, id, MessageOneRoundTripTest.uuid(event), "1"),
                null), Deadline.none());
    }

    void assertNothingOf(String id) throws Exception {
        assertThat(count("SELECT count(*) FROM processed_messages WHERE message_id = '" + id + "'")).as("no ledger row").isZero();
        assertThat(count("SELECT count(*) FROM order_events WHERE stream_id = 'order-" + id + "'")).as("no event").isZero();
        assertThat(count("SELECT count(*) FROM outbox WHERE stream_id = 'order-" + id + "'")).as("no outbox row").isZero();
        assertThat(count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).as("no advisory lock left").isZero();
    }

    void assertOnce(String id) throws Exception {
        assertThat(count("SELECT count(*) FROM processed_messages WHERE message_id = '" + id + "' AND status = 'PROCESSED' "
                + "AND appended = 1")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM order_events WHERE stream_id = 'order-" + id + "'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outbox WHERE stream_id = 'order-" + id + "'")).isEqualTo(1);
    }

    int pid() throws Exception {
        try (Connection c = kept.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    String database() throws Exception {
        try (Statement s = observer.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    long count(String sql) throws Exception {
        try (Statement s = observer.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void execute(String sql) throws Exception {
        try (Statement s = observer.createStatement()) {
            s.execute(sql);
        }
    }
}
