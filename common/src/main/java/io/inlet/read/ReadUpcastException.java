package io.inlet.read;

import io.inlet.event.UpcastException;
import java.util.UUID;

/**
 * An event that cannot be returned at the version asked for: stored at a newer version (never
 * downcast), or its payload does not upcast (the message names the step and the field). The read
 * stops at it: it is neither skipped nor returned at its stored version.
 */
public final class ReadUpcastException extends RuntimeException {

    private final transient ReadEvent event;
    private final int asked;

    public ReadUpcastException(ReadEvent event, int asked, UpcastException cause) {
        super("event " + event.eventId() + " (" + event.table() + ", stream " + event.streamId() + ", " + event.eventType()
                + " stored at v" + event.schemaVersion() + ") cannot be read as v" + asked + ": " + cause.getMessage(), cause);
        this.event = event;
        this.asked = asked;
    }

    public UUID eventId() {
        return event.eventId();
    }

    /** The event as stored. */
    public ReadEvent event() {
        return event;
    }

    public int askedVersion() {
        return asked;
    }

    /** The field the failure concerns, or null (e.g. a version newer than asked). */
    public String field() {
        return ((UpcastException) getCause()).field();
    }
}
