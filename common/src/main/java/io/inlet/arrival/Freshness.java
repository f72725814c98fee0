package io.inlet.arrival;

import java.time.Instant;

/**
 * A feed's freshness for {@code inlet status}: its newest file, its next expected slot and the state
 * of its latest judged slot.
 *
 * @param lastFileAt   when the newest version of the feed arrived (null: none yet)
 * @param lastFileKey  its key
 * @param nextExpected the next slot of its schedule (null: no expectation)
 * @param state        the latest judged slot's state
 */
public record Freshness(String feed, Instant lastFileAt, String lastFileKey, Instant nextExpected, State state) {

    public enum State {
        /** The feed declares no {@code expect}. */
        NOT_EXPECTED,
        /** No slot's deadline has passed since the check started watching the feed. */
        WAITING,
        /** The latest judged slot's file came in time and, when checked, was long enough. */
        ON_TIME,
        /** The latest judged slot's first file came after its deadline. */
        LATE,
        /** The latest judged slot has no file. */
        MISSING,
        /** The latest judged slot's files hold fewer records than expected. */
        SHORT
    }
}
