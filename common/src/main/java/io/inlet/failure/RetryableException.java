package io.inlet.failure;

/**
 * A failure that may succeed when tried again unchanged: database unreachable, timeout, a lease
 * held by another live worker. Handlers let it surface so the platform redelivers.
 */
public class RetryableException extends RuntimeException {

    public RetryableException(String message) {
        super(message);
    }

    public RetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
