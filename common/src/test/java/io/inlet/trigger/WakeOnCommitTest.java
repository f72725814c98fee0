package io.inlet.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.InboundMessage;
import io.inlet.outbox.RelayWakeSettings;
import io.inlet.source.LocalFileSource;
import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import io.inlet.trigger.Delivery.BusinessMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The post-commit wake-up over the real PostgreSQL and the one delivery handler both clouds use: when a
 * wake is sent (after a commit that queued outbox rows), when not (nothing queued, a rolled-back
 * transaction), that a failed send leaves the ingestion committed, and how many wakes 1,000 ingestions send.
 */
class WakeOnCommitTest {

    private static final String FEEDS = """
            version: 1
            messages:
              - name: routed
                channel: routed
                mapping:
                  event_type: { column: type }
                  stream_id: "account-{account_id}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: billing_events
                derived:
                  - { events: appended, destination: billing-out }
              - name: quiet
                channel: quiet
                mapping:
                  event_type: { column: type }
                  stream_id: "account-{account_id}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: id }
                table: events
            """;

    private DataSource db;
    private Inlet inlet;
    private SimpleMeterRegistry meters;
    private final AtomicInteger wakes = new AtomicInteger();
    private final List<Long> outboxRowsAtWake = new ArrayList<>();

    @BeforeEach
    void start() {
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "wake-test");
        db = TestDatabase.fresh(List.copyOf(feeds.eventTables()));
        meters = new SimpleMeterRegistry();
        inlet = Inlet.builder().dataSource(db).feeds(feeds).workerId("wake-test").meterRegistry(meters).build();
    }

    private DeliveryHandler handler(io.inlet.outbox.RelayWaker waker, Duration window) {
        return inlet.deliveryHandler(new LocalFileSource(Samples.files()),
                inlet.wakeOnCommit(waker, new RelayWakeSettings(window, Duration.ofMillis(100))));
    }

    /** Counts the wake and what another connection sees in the outbox at that moment: committed rows only. */
    private void wakeSeeingOutbox() {
        wakes.incrementAndGet();
        outboxRowsAtWake.add(count("SELECT count(*) FROM inlet.outbox"));
    }

    private static BusinessMessage message(String channel, String id, String type) {
        return new BusinessMessage(new InboundMessage("m-" + id, channel,
                "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"account_id\":\"a1\",\"at\":\"2026-01-01T00:00:00Z\"}", Map.of()),
                null);
    }

    @Test
    void aMessageWhoseEventsAreRoutedWakesTheRelayAfterItsRowsAreCommitted() {
        Verdict v = handler(this::wakeSeeingOutbox, Duration.ofMillis(500)).handle(message("routed", "e1", "Paid"), Deadline.none());
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.DONE);
        assertThat(wakes.get()).isEqualTo(1);
        // seen from another connection when the wake went out: the commit came first
        assertThat(outboxRowsAtWake).containsExactly(1L);
        assertThat(meters.counter("inlet.relay.wakes", "result", "SENT").count()).isEqualTo(1.0);
    }

    @Test
    void aMessageOfAFeedWithoutRoutesOrARedeliveryWakesNothing() {
        DeliveryHandler handler = handler(this::wakeSeeingOutbox, Duration.ofMillis(10));
        handler.handle(message("quiet", "q1", "Paid"), Deadline.none());
        handler.handle(message("routed", "e2", "Paid"), Deadline.none());
        assertThat(wakes.get()).isEqualTo(1);
        // the same message again: ALREADY_PROCESSED, nothing new queued
        handler.handle(message("routed", "e2", "Paid"), Deadline.none());
        assertThat(wakes.get()).isEqualTo(1);
        // nor counted as coalesced: within the window a wrongly woken commit would be, and send nothing
        assertThat(meters.counter("inlet.relay.wakes", "result", "SENT").count()).isEqualTo(1.0);
        assertThat(meters.counter("inlet.relay.wakes", "result", "COALESCED").count()).isZero();
    }

    @Test
    void aRolledBackTransactionWakesNothing() throws Exception {
        // the outbox row is written, then the transaction fails and rolls back
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE FUNCTION inlet.refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN IF NEW.event_type = 'Poison' THEN RAISE EXCEPTION 'poison refused'; END IF; RETURN NEW; END $$""");
            s.execute("CREATE TRIGGER refuse_poison AFTER INSERT ON inlet.outbox FOR EACH ROW EXECUTE FUNCTION inlet.refuse_poison()");
        }
        Verdict v = handler(this::wakeSeeingOutbox, Duration.ofMillis(10)).handle(message("routed", "p1", "Poison"), Deadline.none());
        assertThat(v.outcome()).isNotEqualTo(Verdict.Outcome.DONE);
        assertThat(count("SELECT count(*) FROM inlet.outbox")).isZero();
        assertThat(wakes.get()).isZero();
    }

    @Test
    void aFailedWakeNeitherFailsNorRollsBackTheIngestion() {
        Verdict v = handler(() -> {
            throw new IllegalStateException("wake queue unreachable");
        }, Duration.ofMillis(500)).handle(message("routed", "f1", "Paid"), Deadline.none());
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.DONE);
        assertThat(count("SELECT count(*) FROM billing_events")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM inlet.outbox")).isEqualTo(1);
        assertThat(meters.counter("inlet.relay.wakes", "result", "FAILED").count()).isEqualTo(1.0);
    }

    @Test
    void aThousandIngestionsSendAtMostOneWakePerWindow() {
        Duration window = Duration.ofMillis(200);
        DeliveryHandler handler = handler(wakes::incrementAndGet, window);
        long started = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            assertThat(handler.handle(message("routed", "n" + i, "Paid"), Deadline.none()).outcome()).isEqualTo(Verdict.Outcome.DONE);
        }
        long elapsed = System.nanoTime() - started;
        // the bound follows from the elapsed time, whatever the machine's speed: one wake per started window
        long windows = elapsed / window.toNanos() + 1;
        assertThat((long) wakes.get()).isBetween(1L, windows);
        assertThat(wakes.get()).isLessThan(1_000);
        assertThat(meters.counter("inlet.relay.wakes", "result", "SENT").count()
                + meters.counter("inlet.relay.wakes", "result", "COALESCED").count()).isEqualTo(1_000.0);
        assertThat(count("SELECT count(*) FROM inlet.outbox")).isEqualTo(1_000);
    }

    private long count(String sql) {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
