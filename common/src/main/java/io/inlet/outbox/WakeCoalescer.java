package io.inlet.outbox;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 *
 * <p><b>Overlapped sends.</b> Built with a {@code sender}, the window's wake is sent on that executor and
 * {@link #committed()} returns at once, so the send's round trip overlaps the invocation's remaining work
 * (on AWS the other messages of an SQS batch) instead of adding to it. Its outcome (SENT or FAILED, with
 * the window reopened on failure) is counted and told to the listener when the send completes, and
 * {@link #awaitSent(Duration)} waits for it: the caller calls that before its invocation ends, because
 * a sandbox frozen after the handler returns would hold the wake until its next invocation.
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
    private final Executor sender;
    private volatile CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);

    /**
     * @param nanoTime  a monotonic clock ({@code System::nanoTime})
     * @param listener  told each commit's result (the core's meters: {@code inlet.relay.wakes})
     */
    public WakeCoalescer(RelayWaker waker, RelayWakeSettings settings, LongSupplier nanoTime, Consumer<Result> listener) {
        this(waker, settings, nanoTime, listener, null);
    }

    /**
     * As {@link #WakeCoalescer(RelayWaker, RelayWakeSettings, LongSupplier, Consumer)}, sending each wake on
     * {@code sender} (null: on the committing thread) so that it overlaps the caller's work; see the class comment.
     */
    public WakeCoalescer(RelayWaker waker, RelayWakeSettings settings, LongSupplier nanoTime, Consumer<Result> listener,
                         Executor sender) {
        this.sender = sender;
        this.waker = waker;
        this.windowNanos = settings.window().toNanos();
        this.nanoTime = nanoTime;
        this.listener = listener;
    }

    /**
     * A transaction that wrote outbox rows has committed: wake the relay unless this window's wake is already
     * out. With a sender, SENT means the wake was handed to it; its outcome is counted when the send completes.
     */
    public Result committed() {
        long now = nanoTime.getAsLong();
        long last = lastSent.get();
        // one thread sends the window's wake; a concurrent commit of the same window is covered by it
        if ((last != NEVER && now - last < windowNanos) || !lastSent.compareAndSet(last, now)) {
            return record(Result.COALESCED);
        }
        if (sender == null) return record(send(now));
        CompletableFuture<Void> send = new CompletableFuture<>();
        inFlight = send;
        try {
            sender.execute(() -> {
                try {
                    record(send(now));
                } finally {
                    send.complete(null);
                }
            });
        } catch (RuntimeException e) { // the executor refused it (shut down, saturated): send here instead
            try {
                record(send(now));
            } finally {
                send.complete(null);
            }
        }
        return Result.SENT;
    }

    private Result send(long now) {
        try {
            waker.wake();
            return Result.SENT;
        } catch (RuntimeException e) {
            lastSent.compareAndSet(now, NEVER);
            LOG.atWarn().setCause(e).log("relay wake-up not sent (the rows wait for the scheduled relay): {}", e.toString());
            return Result.FAILED;
        }
    }

    private Result record(Result result) {
        (switch (result) {
            case SENT -> sent;
            case COALESCED -> coalesced;
            case FAILED -> failed;
        }).incrementAndGet();
        listener.accept(result);
        return result;
    }

    /**
     * Waits, at most {@code timeout}, for the wake handed to the sender last to complete (at once without a
     * sender or a wake in flight). Called before an invocation ends. False when it is still in flight.
     */
    public boolean awaitSent(Duration timeout) {
        try {
            inFlight.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            LOG.atWarn().log("relay wake-up still being sent after {} ms; the invocation ends without waiting longer", timeout.toMillis());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true; // send() catches what the waker throws; nothing reaches here
        }
    }

    public Counts counts() {
        long s = sent.get(), c = coalesced.get(), f = failed.get();
        return new Counts(s + c + f, s, c, f);
    }
}
