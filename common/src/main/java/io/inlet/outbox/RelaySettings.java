package io.inlet.outbox;

import java.time.Duration;

/**
 * How the relay works: rows per batch, retry backoff of failed rows, how long published rows are
 * kept before they are purged.
 */
public record RelaySettings(int batchSize, Duration backoffBase, Duration backoffMax, Duration retention) {

    public static final RelaySettings DEFAULTS =
            new RelaySettings(100, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofDays(7));

    public RelaySettings {
        if (batchSize < 1 || batchSize > 10_000) throw new IllegalArgumentException("relay batch size must be 1..10000: " + batchSize);
        if (backoffBase.isNegative() || backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("relay backoff must satisfy 0 <= base <= max");
        }
    }
}
