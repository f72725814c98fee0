package io.inlet.store;

import io.inlet.failure.RetryableException;

/**
 * A concurrent transaction inserted one of the batch's event ids under another stream between our
 * existence check and our insert. The batch's transaction must be rolled back and retried.
 */
public class AppendRaceException extends RetryableException {

    public AppendRaceException(String message) {
        super(message);
    }
}
