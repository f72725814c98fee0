package io.inlet.trigger;

import io.inlet.failure.PermanentException;
import io.inlet.failure.RetryableException;
import io.inlet.source.ObjectGoneException;
import java.sql.SQLException;
import java.sql.SQLTransientException;

/**
 * Whether a failure is worth a redelivery. The first Inlet exception found along the cause chain
 * decides; an SQL connection failure (SQLState class 08, admin shutdown 57P) is transient, like
 * anything unrecognised (an I/O error, a bug), so a bug never silently drops an event: the queue's
 * or subscription's dead-letter policy bounds those retries.
 */
public enum Disposition {
    /** Try again later. */
    RETRY,
    /** It will fail the same way every time: record the reason and give up. */
    GIVE_UP;

    public static Disposition of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetryableException) return RETRY;
            if (t instanceof PermanentException || t instanceof ObjectGoneException) return GIVE_UP;
            if (t instanceof SQLTransientException) return RETRY;
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return RETRY;
            }
        }
        return RETRY;
    }
}
