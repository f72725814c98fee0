package io.inlet.outbox;

import java.time.Duration;

/**
 * How wake-ups are coalesced, on both sides of the wake queue.
 *
 * <ul>
 *   <li>{@code window}: an instance sends at most one wake per window ({@link WakeCoalescer}); the
 *       ingestions of the rest of the window are covered by the relay that wake started.</li>
 *   <li>{@code poll}: a woken relay looks at the outbox again this often while it lingers.</li>
 *   <li>{@link #linger()}: a woken relay stays until it has found nothing new for this long, at least
 *       {@code window + poll}: so a relay woken at {@code t0} still looks at the outbox after any commit
 *       in {@code [t0, t0 + window)}, the commits whose wake the window suppressed
 *       ({@link WokenRelay}).</li>
 * </ul>
 */
public record RelayWakeSettings(Duration window, Duration poll) {

    public static final String WINDOW_VARIABLE = "INLET_RELAY_WAKE_WINDOW_MS";
    public static final String POLL_VARIABLE = "INLET_RELAY_WAKE_POLL_MS";
    public static final RelayWakeSettings DEFAULTS = new RelayWakeSettings(Duration.ofMillis(500), Duration.ofMillis(100));

    public RelayWakeSettings {
        if (window.toMillis() < 10 || window.toMillis() > 60_000) {
            throw new IllegalArgumentException(WINDOW_VARIABLE + " must be 10..60000 ms: " + window.toMillis());
        }
        if (poll.toMillis() < 10 || poll.toMillis() > 10_000) {
            throw new IllegalArgumentException(POLL_VARIABLE + " must be 10..10000 ms: " + poll.toMillis());
        }
    }

    /** How long a woken relay waits for new rows before it returns: twice the window plus one poll. */
    public Duration linger() {
        return window.multipliedBy(2).plus(poll);
    }
}
