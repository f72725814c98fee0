package io.inlet.feed;

import io.inlet.failure.PermanentException;

/** The feeds file is wrong. The message names the file, the feed and the field. */
public class FeedConfigException extends PermanentException {

    public FeedConfigException(String message) {
        super(message);
    }

    public FeedConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
