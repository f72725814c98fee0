package io.inlet.failure;

/**
 * A failure that will fail the same way every time: malformed payload, no feed for a key, a bad
 * configuration. Handlers record the reason and send the input to its dead-letter path instead of
 * retrying it forever.
 */
public class PermanentException extends RuntimeException {

    public PermanentException(String message) {
        super(message);
    }

    public PermanentException(String message, Throwable cause) {
        super(message, cause);
    }
}
