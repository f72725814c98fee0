package io.inlet.trigger;

import io.inlet.feed.Feed;
import io.inlet.feed.FeedRegistry;
import io.inlet.feed.MessageFeed;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.MessageOutcome;
import io.inlet.outbox.WakeCoalescer;
import java.util.EnumSet;
import java.util.Set;

/**
 * Wakes the relay after a delivery whose committed work queued outbox rows: the observer sees the
 * verdict only once the ingestion's transactions have committed (or were given up), so a wake is
 * never sent for a rolled-back transaction. Which verdicts may have queued rows:
 *
 * <ul>
 *   <li>a file COMPLETED or REJECTED (its FileIngested / FileRejected summary, its appended events, a
 *       completed file set) or SUSPENDED after appending (its committed batches), when its feed routes
 *       anything (derived routes of any kind);</li>
 *   <li>a message APPENDED with at least one new event, when its feed routes anything.</li>
 * </ul>
 *
 * Anything else (a redelivery, a duplicate, a hold, a failure recorded) wakes nothing. A verdict the
 * rule misses is only late: the scheduled relay publishes its rows.
 */
public final class WakeOnCommit implements VerdictObserver {

    private static final Set<FileOutcome> FINISHED = EnumSet.of(FileOutcome.COMPLETED, FileOutcome.REJECTED);

    private final FeedRegistry feeds;
    private final WakeCoalescer wakes;

    public WakeOnCommit(FeedRegistry feeds, WakeCoalescer wakes) {
        this.feeds = feeds;
        this.wakes = wakes;
    }

    @Override
    public void observe(Delivery delivery, Verdict verdict) {
        if (queuedOutboxRows(delivery, verdict)) wakes.committed();
    }

    /**
     * Waits, at most {@code timeout}, for a wake still being sent (a coalescer with a sender sends it beside
     * the caller's work); the caller calls this before its invocation ends. False when still in flight.
     */
    public boolean awaitSent(java.time.Duration timeout) {
        return wakes.awaitSent(timeout);
    }

    /** Commits seen and the wakes they came to. */
    public WakeCoalescer.Counts counts() {
        return wakes.counts();
    }

    /** True when the delivery's committed work may have written outbox rows. */
    boolean queuedOutboxRows(Delivery delivery, Verdict verdict) {
        if (verdict.file() != null) return fileQueued(verdict.file());
        if (verdict.message() != null && delivery instanceof Delivery.BusinessMessage message) {
            return messageQueued(verdict.message(), message);
        }
        return false;
    }

    private boolean fileQueued(FileReport report) {
        boolean committed = FINISHED.contains(report.outcome())
                || (report.outcome() == FileOutcome.SUSPENDED && report.counts() != null && report.counts().appended() > 0);
        if (!committed) return false;
        // a feed unknown here (renamed under a running instance) is woken for: a spare wake costs one look
        return report.feed() == null || feeds.feed(report.feed()).map(Feed::derived).map(d -> !d.isEmpty()).orElse(true);
    }

    private boolean messageQueued(MessageOutcome outcome, Delivery.BusinessMessage message) {
        if (outcome.status() != MessageOutcome.Status.APPENDED || outcome.counts().appended() == 0) return false;
        return feeds.matchMessage(message.message().channel()).map(MessageFeed::derived).map(d -> !d.isEmpty()).orElse(true);
    }
}
