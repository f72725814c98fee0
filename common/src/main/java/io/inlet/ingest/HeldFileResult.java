package io.inlet.ingest;

import io.inlet.ledger.LedgerEntry;

/**
 * What resuming a feed did with one held version: its report, or why it failed (then {@code report}
 * is null and the version stays in the ledger to be retried).
 */
public record HeldFileResult(LedgerEntry held, FileReport report, String failure) {
}
