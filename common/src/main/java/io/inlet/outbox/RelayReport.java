package io.inlet.outbox;

/**
 * What one relay run did.
 *
 * @param published messages the broker accepted and that are now marked published
 * @param failed    messages that failed this run and stay pending with a later retry time
 * @param batches   batches claimed
 * @param pending   rows still due after the run (0 when it drained the outbox)
 */
public record RelayReport(long published, long failed, int batches, long pending) {
}
