package io.inlet.db;

import io.inlet.failure.PermanentException;

/** A feed names a table that exists and is not an Inlet event table: a configuration error, never retried. */
public class NotAnEventTableException extends PermanentException {

    public NotAnEventTableException(String message) {
        super(message);
    }
}
