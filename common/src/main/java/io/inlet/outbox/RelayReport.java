package io.inlet.outbox;

/**
 * What one relay run did.
 *
 * @param published messages the broker accepted and that are now marked published
 * @param failed    messages that failed this run and stay pending with a later retry time
 * @param batches   batches claimed
 * @param pending   unpublished rows after the run (0 when it drained the outbox)
 * @param oldestPendingAgeSeconds age of the oldest unpublished row after the run (the outbox lag; 0 when none)
 */
public record RelayReport(long published, long failed, int batches, long pending, double oldestPendingAgeSeconds) {
}
