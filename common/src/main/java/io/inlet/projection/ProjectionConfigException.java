package io.inlet.projection;

import io.inlet.failure.PermanentException;

/** A projection's declaration is wrong. The message names the file, the line, the projection and the field. */
public class ProjectionConfigException extends PermanentException {

    public ProjectionConfigException(String message) {
        super(message);
    }
}
