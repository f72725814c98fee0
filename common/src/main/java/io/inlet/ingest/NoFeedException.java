package io.inlet.ingest;

import io.inlet.failure.PermanentException;

/** No feed's bucket and key pattern matches the object (or no message feed the channel): never ingested. */
public class NoFeedException extends PermanentException {

    public NoFeedException(String message) {
        super(message);
    }
}
