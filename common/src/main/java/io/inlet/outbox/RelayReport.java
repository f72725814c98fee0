package io.inlet.outbox;

/**
 * What one relay run did.
 *
 * @param published messages the broker accepted and that are now marked published
 * @param failed    messages that failed this run and stay pending with a later retry time
 * @param batches   batches claimed
 * @param pending   unfinished rows after the run, blocked ones included (0 when it drained the outbox)
 * @param oldestPendingAgeSeconds age of the oldest unfinished row after the run (the outbox lag; 0 when none)
 * @param newlyBlocked rows this run blocked: they reached the attempt limit
 * @param blocked   blocked rows after the run (each holds its stream until an operator retries or releases it)
 */
public record RelayReport(long published, long failed, int batches, long pending, double oldestPendingAgeSeconds,
                          long newlyBlocked, long blocked) {

    /** A report of a run that blocked nothing and found nothing blocked. */
    public RelayReport(long published, long failed, int batches, long pending, double oldestPendingAgeSeconds) {
        this(published, failed, batches, pending, oldestPendingAgeSeconds, 0, 0);
    }
}
