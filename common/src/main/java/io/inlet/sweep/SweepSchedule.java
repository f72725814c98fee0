package io.inlet.sweep;

import io.inlet.sweep.Sweep.Window;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The window of a scheduled sweep, from the function's environment: objects last modified between
 * {@code INLET_SWEEP_LOOKBACK} (default {@code P2D}: a daily run looks at two days, so a missed run
 * loses nothing) and {@code INLET_SWEEP_SETTLE} ago (default {@code PT15M}: a notification still in
 * flight is not reported missing). Both are ISO-8601 durations.
 */
public final class SweepSchedule {

    public static final String LOOKBACK = "INLET_SWEEP_LOOKBACK";
    public static final String SETTLE = "INLET_SWEEP_SETTLE";

    private SweepSchedule() {
    }

    public static Window window(Map<String, String> env, Instant now) {
        Duration lookback = duration(env, LOOKBACK, Duration.ofDays(2));
        Duration settle = duration(env, SETTLE, Duration.ofMinutes(15));
        if (settle.compareTo(lookback) >= 0) {
            throw new IllegalArgumentException(SETTLE + " " + settle + " must be shorter than " + LOOKBACK + " " + lookback);
        }
        return new Window(now.minus(lookback), now.minus(settle));
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) return fallback;
        try {
            Duration d = Duration.parse(v.trim());
            if (d.isNegative()) throw new IllegalArgumentException(name + " is negative: " + v);
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " is not an ISO-8601 duration (e.g. P2D, PT15M): '" + v + "'", e);
        }
    }
}
