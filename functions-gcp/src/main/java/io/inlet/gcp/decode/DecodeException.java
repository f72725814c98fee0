package io.inlet.gcp.decode;

/** A payload is not what its trigger type promises; the message names the field. Never leaves this package. */
final class DecodeException extends Exception {

    DecodeException(String message) {
        super(message);
    }

    DecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
