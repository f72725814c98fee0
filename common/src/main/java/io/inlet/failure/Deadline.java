package io.inlet.failure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When the current invocation must have stopped work: a Lambda's remaining time less a safety
 * margin, a Cloud Function's timeout, or none for the CLI.
 */
public record Deadline(Instant at, Clock clock) {

    public static Deadline none() {
        return new Deadline(Instant.MAX, Clock.systemUTC());
    }

    public static Deadline after(Duration remaining, Duration safetyMargin) {
        Clock clock = Clock.systemUTC();
        return new Deadline(clock.instant().plus(remaining).minus(safetyMargin), clock);
    }

    public boolean passed() {
        return !clock.instant().isBefore(at);
    }

}
