package io.inlet.ingest;

import io.inlet.ledger.Counts;

/**
 * The result of ingesting one message.
 *
 * @param messageId the broker message id
 * @param status    APPENDED (its events are in, some may have been duplicates) or ALREADY_PROCESSED
 * @param counts    event counts
 */
public record MessageOutcome(String messageId, Status status, Counts counts) {

    public enum Status { APPENDED, ALREADY_PROCESSED }
}
