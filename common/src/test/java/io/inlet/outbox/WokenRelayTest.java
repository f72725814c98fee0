package io.inlet.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.failure.Deadline;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A woken relay's linger, on a clock the test moves: each "run" publishes what an imagined outbox holds
 * at that moment (rows committed at given times), as the real relay publishes the rows due.
 */
class WokenRelayTest {

    private static final RelayWakeSettings SETTINGS = new RelayWakeSettings(Duration.ofMillis(500), Duration.ofMillis(100));

    private final AtomicLong nanos = new AtomicLong();
    private final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.EPOCH.plusNanos(nanos.get()); }
    };
    private final WokenRelay relay = new WokenRelay(SETTINGS, nanos::get, d -> nanos.addAndGet(d.toNanos()));

    /** Rows committed at these offsets (ms from the wake); a run publishes every row committed by then. */
    private final class Outbox {
        final List<Long> committedAtMillis = new ArrayList<>();
        final List<Long> publishedAtMillis = new ArrayList<>();
        int next;

        RelayReport run(Deadline deadline) {
            long at = nanos.get() / 1_000_000;
            int published = 0;
            while (next < committedAtMillis.size() && committedAtMillis.get(next) <= at) {
                publishedAtMillis.add(at);
                next++;
                published++;
            }
            return new RelayReport(published, 0, published > 0 ? 1 : 0, committedAtMillis.size() - next, 0);
        }
    }

    @Test
    void aRowCommittedWithinTheWindowOfTheWakeIsPublishedByTheLingeringRelay() {
        Outbox outbox = new Outbox();
        // the wake's own commit, then a commit 499 ms later whose wake the window suppressed
        outbox.committedAtMillis.addAll(List.of(0L, 499L));
        RelayReport report = relay.run(outbox::run, new Deadline(Instant.EPOCH.plusSeconds(60), clock), () -> { });
        assertThat(report.published()).isEqualTo(2);
        assertThat(outbox.publishedAtMillis).containsExactly(0L, 500L);
        assertThat(report.pending()).isZero();
    }

    @Test
    void theRelayReturnsAfterItsLingerWithoutNewRows() {
        Outbox outbox = new Outbox();
        outbox.committedAtMillis.add(0L);
        relay.run(outbox::run, new Deadline(Instant.EPOCH.plusSeconds(60), clock), () -> { });
        assertThat(Duration.ofNanos(nanos.get())).isBetween(SETTINGS.linger(), SETTINGS.linger().plus(SETTINGS.poll()));
    }

    @Test
    void eachPublishExtendsTheLingerSoASteadyTrickleIsFollowed() {
        Outbox outbox = new Outbox();
        for (long ms = 0; ms <= 5_000; ms += 300) outbox.committedAtMillis.add(ms);
        RelayReport report = relay.run(outbox::run, new Deadline(Instant.EPOCH.plusSeconds(60), clock), () -> { });
        assertThat(report.published()).isEqualTo(outbox.committedAtMillis.size());
        for (int i = 0; i < outbox.committedAtMillis.size(); i++) {
            assertThat(outbox.publishedAtMillis.get(i) - outbox.committedAtMillis.get(i)).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void stoppedByItsDeadlineWithRowsPendingItWakesASuccessor() {
        Outbox outbox = new Outbox();
        for (long ms = 0; ms <= 10_000; ms += 50) outbox.committedAtMillis.add(ms);
        AtomicInteger successors = new AtomicInteger();
        RelayReport report = relay.run(outbox::run, new Deadline(Instant.EPOCH.plusSeconds(2), clock), successors::incrementAndGet);
        assertThat(report.pending()).isPositive();
        assertThat(successors.get()).isEqualTo(1);
    }

    @Test
    void aFailingSuccessorWakeDoesNotFailTheRelay() {
        Outbox outbox = new Outbox();
        for (long ms = 0; ms <= 10_000; ms += 50) outbox.committedAtMillis.add(ms);
        RelayReport report = relay.run(outbox::run, new Deadline(Instant.EPOCH.plusSeconds(2), clock), () -> {
            throw new IllegalStateException("wake queue unreachable");
        });
        assertThat(report.published()).isPositive();
    }
}
