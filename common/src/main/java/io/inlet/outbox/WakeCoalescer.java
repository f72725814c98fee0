package io.inlet.outbox;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's side of the coalescing: of the commits that queued outbox rows, the first of each
 * window ({@link RelayWakeSettings#window()}) sends a wake and the rest of the window send none; the
 * relay that wake started lingers long enough to publish their rows too ({@link WokenRelay}). So an
 * instance sends at most one wake per window however many ingestions it commits, and 1,000
 * ingestions start a handful of relays, not 1,000.
 *
 * <p>A wake that fails to send is logged and counted, never thrown: the ingestion has committed, and
 * its rows wait for the scheduled relay at worst. The window is then reopened, so the next commit tries
 * again. Thread-safe (a Cloud Run instance serves requests concurrently).
 */
public final class WakeCoalescer {

    private static final Logger LOG = LoggerFactory.getLogger(WakeCoalescer.class);
    private static final long NEVER = Long.MIN_VALUE;

    /** What one commit's wake came to. */
    public enum Result { SENT, COALESCED, FAILED }

    /** Commits seen and what became of their wakes, since this coalescer was built. */
    public record Counts(long commits, long sent, long coalesced, long failed) {
    }

    private final RelayWaker waker;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Consumer<Result> listener;
    private final AtomicLong lastSent = new AtomicLong(NEVER);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong coalesced = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * @param nanoTime  a monotonic clock ({@code System::nanoTime})
     * @param listener  told each commit's result (the core's meters: {@code inlet.relay.wakes})
     */
    public WakeCoalescer(RelayWaker waker, RelayWakeSettings settings, LongSupplier nanoTime, Consumer<Result> listener) {
        this.waker = waker;
        this.windowNanos = settings.window().toNanos();
        this.nanoTime = nanoTime;
        this.listener = listener;
    }

    /** A transaction that wrote outbox rows has committed: wake the relay unless this window's wake is already out. */
    public Result committed() {
        Result result = wakeOrCoalesce();
        (switch (result) {
            case SENT -> sent;
            case COALESCED -> coalesced;
            case FAILED -> failed;
        }).incrementAndGet();
        listener.accept(result);
        return result;
    }

    private Result wakeOrCoalesce() {
        long now = nanoTime.getAsLong();
        long last = lastSent.get();
        if (last != NEVER && now - last < windowNanos) return Result.COALESCED;
        // one thread sends the window's wake; a concurrent commit of the same window is covered by it
        if (!lastSent.compareAndSet(last, now)) return Result.COALESCED;
        try {
            waker.wake();
            return Result.SENT;
        } catch (RuntimeException e) {
            lastSent.compareAndSet(now, NEVER);
            LOG.atWarn().setCause(e).log("relay wake-up not sent (the rows wait for the scheduled relay): {}", e.toString());
            return Result.FAILED;
        }
    }

    public Counts counts() {
        long s = sent.get(), c = coalesced.get(), f = failed.get();
        return new Counts(s + c + f, s, c, f);
    }
}
