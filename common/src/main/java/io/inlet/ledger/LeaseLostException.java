package io.inlet.ledger;

import io.inlet.failure.RetryableException;

/**
 * This worker's lease on a file expired and another worker took it over: the current batch was
 * rolled back and this worker must stop. Nothing was lost; the other worker continues.
 */
public class LeaseLostException extends RetryableException {

    public LeaseLostException(long fileId, String worker) {
        super("lease on file " + fileId + " lost by " + worker + ": another worker took the file over");
    }
}
