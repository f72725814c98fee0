package io.inlet.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.failure.Deadline;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The lost-wake-up race, seeded, on one clock the test moves: commits at random moments around window
 * boundaries and linger ends go through the real {@link WakeCoalescer}; its wakes queue up (one woken relay
 * at a time, as on the FIFO wake queue); the real {@link WokenRelay} runs for them, its looks publishing
 * every commit made by then, and commits keep arriving while it sleeps. Every commit must be published
 * by a look that starts after it: none may be left for the schedule.
 */
class WakeRaceTest {

    private static final RelayWakeSettings SETTINGS = RelayWakeSettings.DEFAULTS;

    private final AtomicLong nanos = new AtomicLong();
    private final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.EPOCH.plusNanos(nanos.get()); }
    };
    private final Deque<Long> commitsToCome = new ArrayDeque<>();
    private final List<Long> committed = new ArrayList<>();
    private final Deque<Long> wakes = new ArrayDeque<>();
    private WakeCoalescer coalescer;
    private int published;

    @Test
    void everyCommitIsPublishedByAWokenRelayWhateverMomentItFallsOn() {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            reset();
            long at = 0;
            for (int i = 0; i < 300; i++) {
                // bursts, lone commits just inside/outside a window, gaps around the linger (1.1 s)
                at += switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(20);
                    case 1 -> 490 + random.nextInt(20);
                    case 2 -> 1_090 + random.nextInt(30);
                    default -> random.nextInt(2_500);
                } * 1_000_000L;
                commitsToCome.add(at);
            }
            long total = commitsToCome.size();
            WokenRelay relay = new WokenRelay(SETTINGS, nanos::get, d -> advanceTo(nanos.get() + d.toNanos()));
            while (!commitsToCome.isEmpty() || !wakes.isEmpty()) {
                if (wakes.isEmpty()) {
                    advanceTo(commitsToCome.peekFirst());
                    continue;
                }
                wakes.clear(); // the wakes waiting together start one relay (up to 10 on AWS; all here)
                relay.run(this::look, new Deadline(Instant.EPOCH.plusSeconds(3_600), clock), () -> { });
            }
            assertThat(published).as("seed %d: commits published by a woken relay", seed).isEqualTo(total);
        }
    }

    private void reset() {
        nanos.set(0);
        commitsToCome.clear();
        committed.clear();
        wakes.clear();
        published = 0;
        coalescer = new WakeCoalescer(() -> wakes.add(nanos.get()), SETTINGS, nanos::get, r -> { });
    }

    /** Time passes to {@code until}; the commits falling in it commit (and wake or coalesce) at their moment. */
    private void advanceTo(long until) {
        while (!commitsToCome.isEmpty() && commitsToCome.peekFirst() <= until) {
            long t = commitsToCome.removeFirst();
            if (t > nanos.get()) nanos.set(t);
            committed.add(t);
            coalescer.committed();
        }
        if (until > nanos.get()) nanos.set(until);
    }

    /** One relay run: publishes every row committed by now. */
    private RelayReport look(Deadline deadline) {
        int found = committed.size();
        published += found;
        committed.clear();
        return new RelayReport(found, 0, found > 0 ? 1 : 0, 0, 0);
    }
}
