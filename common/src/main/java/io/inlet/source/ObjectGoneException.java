package io.inlet.source;

import java.io.IOException;

/** The object (or the requested version of it) does not exist any more: permanent, do not retry. */
public class ObjectGoneException extends IOException {

    public ObjectGoneException(String message) {
        super(message);
    }

    public ObjectGoneException(String message, Throwable cause) {
        super(message, cause);
    }
}
