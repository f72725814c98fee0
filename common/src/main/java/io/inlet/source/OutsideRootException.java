package io.inlet.source;

import io.inlet.failure.PermanentException;

/** A local path is outside the source root, or a symbolic link on it leads out: never read. */
public class OutsideRootException extends PermanentException {

    public OutsideRootException(String message) {
        super(message);
    }
}
