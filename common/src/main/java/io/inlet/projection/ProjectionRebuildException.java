package io.inlet.projection;

import io.inlet.failure.PermanentException;

/** A rebuild could not run or failed; the live table is unchanged (the swap is one transaction). */
public class ProjectionRebuildException extends PermanentException {

    public ProjectionRebuildException(String message) {
        super(message);
    }

    public ProjectionRebuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
