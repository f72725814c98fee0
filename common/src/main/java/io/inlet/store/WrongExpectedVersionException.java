package io.inlet.store;

import io.inlet.failure.PermanentException;

/**
 * Thrown by {@link EventStore#appendAt} when the stream is not at the expected version. Permanent:
 * the same append at the same expected version fails the same way every time (streams only grow),
 * so the message is recorded with this reason and dead-lettered, never retried blindly.
 */
public final class WrongExpectedVersionException extends PermanentException {

    private final transient WrongExpectedVersion conflict;

    public WrongExpectedVersionException(WrongExpectedVersion conflict) {
        super(conflict.describe());
        this.conflict = conflict;
    }

    public WrongExpectedVersion conflict() {
        return conflict;
    }
}
