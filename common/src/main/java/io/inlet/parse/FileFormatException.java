package io.inlet.parse;

import io.inlet.failure.PermanentException;

/** The file as a whole cannot be read in its declared format; the message names file and place. */
public class FileFormatException extends PermanentException {

    public FileFormatException(String message) {
        super(message);
    }

    public FileFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
