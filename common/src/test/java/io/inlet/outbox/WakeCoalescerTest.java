package io.inlet.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One instance's wakes against its commits, on a clock the test moves (no timing). */
class WakeCoalescerTest {

    private static final RelayWakeSettings WINDOW_500_MS = new RelayWakeSettings(Duration.ofMillis(500), Duration.ofMillis(100));

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicInteger wakes = new AtomicInteger();
    private final List<WakeCoalescer.Result> results = new ArrayList<>();

    @Test
    void aThousandCommitsOverFiveSecondsSendOneWakePerWindow() {
        WakeCoalescer coalescer = new WakeCoalescer(wakes::incrementAndGet, WINDOW_500_MS, now::get, results::add);
        for (int i = 0; i < 1_000; i++) {
            coalescer.committed();
            now.addAndGet(Duration.ofMillis(5).toNanos());
        }
        assertThat(wakes.get()).isEqualTo(10);
        assertThat(coalescer.counts()).isEqualTo(new WakeCoalescer.Counts(1_000, 10, 990, 0));
        assertThat(results).hasSize(1_000).startsWith(WakeCoalescer.Result.SENT, WakeCoalescer.Result.COALESCED);
    }

    @Test
    void theFirstCommitAfterAQuietWindowWakesAtOnce() {
        WakeCoalescer coalescer = new WakeCoalescer(wakes::incrementAndGet, WINDOW_500_MS, now::get, r -> { });
        assertThat(coalescer.committed()).isEqualTo(WakeCoalescer.Result.SENT);
        now.addAndGet(Duration.ofMillis(499).toNanos());
        assertThat(coalescer.committed()).isEqualTo(WakeCoalescer.Result.COALESCED);
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(coalescer.committed()).isEqualTo(WakeCoalescer.Result.SENT);
        assertThat(wakes.get()).isEqualTo(2);
    }

    @Test
    void aFailedSendIsCountedNeverThrownAndTheNextCommitTriesAgain() {
        AtomicInteger attempts = new AtomicInteger();
        WakeCoalescer coalescer = new WakeCoalescer(() -> {
            if (attempts.incrementAndGet() == 1) throw new IllegalStateException("wake queue unreachable");
            wakes.incrementAndGet();
        }, WINDOW_500_MS, now::get, results::add);
        assertThat(coalescer.committed()).isEqualTo(WakeCoalescer.Result.FAILED);
        // same window: the failure reopened it, so this commit sends instead of relying on a wake that never left
        assertThat(coalescer.committed()).isEqualTo(WakeCoalescer.Result.SENT);
        assertThat(wakes.get()).isEqualTo(1);
        assertThat(coalescer.counts()).isEqualTo(new WakeCoalescer.Counts(2, 1, 0, 1));
    }

    @Test
    void concurrentCommitsOfOneWindowSendOneWake() throws Exception {
        WakeCoalescer coalescer = new WakeCoalescer(wakes::incrementAndGet, WINDOW_500_MS, now::get, r -> { });
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 100; i++) coalescer.committed();
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread t : threads) t.join();
        assertThat(wakes.get()).isEqualTo(1);
        assertThat(coalescer.counts()).isEqualTo(new WakeCoalescer.Counts(800, 1, 799, 0));
    }

    @Test
    void anOverlappedWakeLeavesTheCommitAtOnceIsCountedWhenSentAndAwaitSentWaitsForIt() throws Exception {
        CountDownLatch sending = new CountDownLatch(1), release = new CountDownLatch(1);
        java.util.concurrent.ExecutorService sender = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            WakeCoalescer coalescer = new WakeCoalescer(() -> {
                sending.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                wakes.incrementAndGet();
            }, WINDOW_500_MS, now::get, results::add, sender);
            // the committing thread is back while the send is still blocked
            assertThat(coalescer.committed()).isEqualTo(WakeCoalescer.Result.SENT);
            assertThat(sending.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(coalescer.committed()).isEqualTo(WakeCoalescer.Result.COALESCED);
            assertThat(coalescer.counts()).isEqualTo(new WakeCoalescer.Counts(1, 0, 1, 0));
            assertThat(coalescer.awaitSent(Duration.ofMillis(50))).isFalse();

            release.countDown();
            assertThat(coalescer.awaitSent(Duration.ofSeconds(10))).isTrue();
            assertThat(wakes.get()).isEqualTo(1);
            assertThat(coalescer.counts()).isEqualTo(new WakeCoalescer.Counts(2, 1, 1, 0));
            assertThat(results).containsExactlyInAnyOrder(WakeCoalescer.Result.SENT, WakeCoalescer.Result.COALESCED);
        } finally {
            release.countDown();
            sender.shutdownNow();
        }
    }

    @Test
    void anOverlappedWakeThatFailsIsCountedFailedAndReopensTheWindow() {
        java.util.concurrent.ExecutorService sender = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            AtomicInteger attempts = new AtomicInteger();
            WakeCoalescer coalescer = new WakeCoalescer(() -> {
                if (attempts.incrementAndGet() == 1) throw new IllegalStateException("wake queue unreachable");
                wakes.incrementAndGet();
            }, WINDOW_500_MS, now::get, results::add, sender);
            coalescer.committed();
            assertThat(coalescer.awaitSent(Duration.ofSeconds(10))).isTrue();
            assertThat(coalescer.counts()).isEqualTo(new WakeCoalescer.Counts(1, 0, 0, 1));
            // same window: the failure reopened it, so the next commit sends
            assertThat(coalescer.committed()).isEqualTo(WakeCoalescer.Result.SENT);
            assertThat(coalescer.awaitSent(Duration.ofSeconds(10))).isTrue();
            assertThat(wakes.get()).isEqualTo(1);
            assertThat(coalescer.counts()).isEqualTo(new WakeCoalescer.Counts(2, 1, 0, 1));
        } finally {
            sender.shutdownNow();
        }
    }

    @Test
    void aSenderThatRefusesTheWakeLeavesItToTheCommittingThread() {
        java.util.concurrent.ExecutorService sender = java.util.concurrent.Executors.newSingleThreadExecutor();
        sender.shutdown();
        WakeCoalescer coalescer = new WakeCoalescer(wakes::incrementAndGet, WINDOW_500_MS, now::get, results::add, sender);
        assertThat(coalescer.committed()).isEqualTo(WakeCoalescer.Result.SENT);
        assertThat(wakes.get()).isEqualTo(1);
        assertThat(coalescer.counts()).isEqualTo(new WakeCoalescer.Counts(1, 1, 0, 0));
        assertThat(coalescer.awaitSent(Duration.ZERO)).isTrue();
    }

    @Test
    void withoutASenderAwaitSentReturnsAtOnce() {
        WakeCoalescer coalescer = new WakeCoalescer(wakes::incrementAndGet, WINDOW_500_MS, now::get, results::add);
        coalescer.committed();
        assertThat(coalescer.awaitSent(Duration.ZERO)).isTrue();
    }
}
