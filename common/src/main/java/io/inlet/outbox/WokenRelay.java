package io.inlet.outbox;

import io.inlet.failure.Deadline;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay started by a wake-up: it drains the outbox, then lingers, running again every
 * {@link RelayWakeSettings#poll()}, until it has published nothing new for
 * {@link RelayWakeSettings#linger()} (counted from its start, then from its last publish) or the
 * deadline passes.
 *
 * <p>Why the linger: an instance sends one wake per window and suppresses the rest
 * ({@link WakeCoalescer}). A commit at {@code t} whose wake was suppressed follows a wake sent at
 * {@code t0 > t - window}; the relay it started began at {@code s >= t0} and runs at least until
 * {@code s + linger >= t + window + poll}, looking every {@code poll}: so it runs once after {@code t}
 * and publishes that commit's rows. Stopped by its deadline with rows still pending, it wakes a
 * successor ({@code successor}) instead of leaving them to the schedule.
 */
public final class WokenRelay {

    private static final Logger LOG = LoggerFactory.getLogger(WokenRelay.class);

    /** Waits between two looks at the outbox (a test's fake clock advances instead). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final RelayWakeSettings settings;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;

    public WokenRelay(RelayWakeSettings settings, LongSupplier nanoTime, Sleeper sleeper) {
        this.settings = settings;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /** A woken relay on the system clock. */
    public static WokenRelay of(RelayWakeSettings settings) {
        return new WokenRelay(settings, System::nanoTime, d -> Thread.sleep(d.toMillis()));
    }

    /**
     * @param relayOnce one relay run to the deadline ({@code Inlet.relay})
     * @param successor woken when the deadline stops this relay with rows pending
     * @return the runs' figures summed (pending, lag and blocked as the last run left them)
     */
    public RelayReport run(Function<Deadline, RelayReport> relayOnce, Deadline deadline, RelayWaker successor) {
        long lingerNanos = settings.linger().toNanos();
        long lastFound = nanoTime.getAsLong();
        RelayReport total = relayOnce.apply(deadline);
        if (total.published() > 0) lastFound = nanoTime.getAsLong();
        int runs = 1;
        while (!deadline.passed() && nanoTime.getAsLong() - lastFound < lingerNanos) {
            try {
                sleeper.sleep(settings.poll());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (deadline.passed()) break;
            RelayReport next = relayOnce.apply(deadline);
            runs++;
            if (next.published() > 0) lastFound = nanoTime.getAsLong();
            total = sum(total, next);
        }
        if (deadline.passed() && total.pending() > 0) {
            try {
                successor.wake();
            } catch (RuntimeException e) {
                LOG.atWarn().setCause(e).log("successor relay not woken ({} rows wait for the schedule): {}", total.pending(), e.toString());
            }
        }
        LOG.atInfo().addKeyValue("runs", runs).addKeyValue("published", total.published())
                .addKeyValue("pending", total.pending()).log("woken relay done after {} look(s)", runs);
        return total;
    }

    static RelayReport sum(RelayReport a, RelayReport b) {
        return new RelayReport(a.published() + b.published(), a.failed() + b.failed(), a.batches() + b.batches(),
                b.pending(), b.oldestPendingAgeSeconds(), a.newlyBlocked() + b.newlyBlocked(), b.blocked());
    }
}
