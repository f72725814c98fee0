package io.inlet.outbox;

import java.time.Duration;
import java.util.Map;

/**
 * How the relay works: rows per batch (a claimed slice), retry backoff of failed rows, how long
 * published rows are kept before they are purged, after how many failed attempts a row is BLOCKED
 * (kept, never retried by itself, still holding its stream) for an operator to retry or release,
 * and how the relay overlaps its database work with its sends.
 *
 * @param slicesInFlight  claimed slices at most between their claim and their mark: at 2 the relay
 *                        claims and renders the next slice (and marks the previous one) while one is
 *                        being sent; 1 = claim, send, mark, one after another
 * @param slicesPerCommit slices claimed in one transaction before it commits: the most rows a crash
 *                        can make the next run publish again is {@code slicesPerCommit * batchSize}
 */
public record RelaySettings(int batchSize, Duration backoffBase, Duration backoffMax, Duration retention, int maxAttempts,
                            int slicesInFlight, int slicesPerCommit) {

    /** Failed attempts after which a row is blocked unless configured otherwise: with the default backoff, ~3.5 hours of retries. */
    public static final int DEFAULT_MAX_ATTEMPTS = 20;
    /** The environment variable both clouds' relay functions read the attempt limit from. */
    public static final String MAX_ATTEMPTS_VARIABLE = "INLET_RELAY_MAX_ATTEMPTS";

    /** Slices between claim and mark unless configured otherwise: one sent while the next is claimed. */
    public static final int DEFAULT_SLICES_IN_FLIGHT = 2;
    /** Slices per transaction unless configured otherwise. */
    public static final int DEFAULT_SLICES_PER_COMMIT = 8;

    public static final RelaySettings DEFAULTS =
            new RelaySettings(100, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofDays(7), DEFAULT_MAX_ATTEMPTS);

    public RelaySettings {
        if (batchSize < 1 || batchSize > 10_000) throw new IllegalArgumentException("relay batch size must be 1..10000: " + batchSize);
        if (backoffBase.isNegative() || backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("relay backoff must satisfy 0 <= base <= max");
        }
        if (maxAttempts < 1 || maxAttempts > 1_000) {
            throw new IllegalArgumentException("relay max attempts must be 1..1000: " + maxAttempts);
        }
        if (slicesInFlight < 1 || slicesInFlight > 16) {
            throw new IllegalArgumentException("relay slices in flight must be 1..16: " + slicesInFlight);
        }
        if (slicesPerCommit < slicesInFlight || slicesPerCommit > 1_000) {
            throw new IllegalArgumentException("relay slices per commit must be " + slicesInFlight + " (slices in flight)..1000: "
                    + slicesPerCommit);
        }
    }

    /** Settings with the default pipeline ({@value #DEFAULT_SLICES_IN_FLIGHT} slices in flight, {@value #DEFAULT_SLICES_PER_COMMIT} per commit). */
    public RelaySettings(int batchSize, Duration backoffBase, Duration backoffMax, Duration retention, int maxAttempts) {
        this(batchSize, backoffBase, backoffMax, retention, maxAttempts, DEFAULT_SLICES_IN_FLIGHT, DEFAULT_SLICES_PER_COMMIT);
    }

    /** Settings with the default attempt limit. */
    public RelaySettings(int batchSize, Duration backoffBase, Duration backoffMax, Duration retention) {
        this(batchSize, backoffBase, backoffMax, retention, DEFAULT_MAX_ATTEMPTS);
    }

    public RelaySettings withMaxAttempts(int attempts) {
        return new RelaySettings(batchSize, backoffBase, backoffMax, retention, attempts, slicesInFlight, slicesPerCommit);
    }

    /** These settings with another pipeline; {@code (1, 1)} is the relay without overlap: claim, send, mark, commit. */
    public RelaySettings withPipeline(int inFlight, int perCommit) {
        return new RelaySettings(batchSize, backoffBase, backoffMax, retention, maxAttempts, inFlight, perCommit);
    }

    /** The defaults with {@value #MAX_ATTEMPTS_VARIABLE} applied when set; a malformed value fails naming the variable. */
    public static RelaySettings fromEnvironment(Map<String, String> env) {
        String value = env.get(MAX_ATTEMPTS_VARIABLE);
        if (value == null || value.isBlank()) return DEFAULTS;
        try {
            return DEFAULTS.withMaxAttempts(Integer.parseInt(value.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(MAX_ATTEMPTS_VARIABLE + ": '" + value + "' is not a whole number 1..1000", e);
        }
    }
}
