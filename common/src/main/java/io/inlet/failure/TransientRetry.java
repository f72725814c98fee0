package io.inlet.failure;

import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Retries work in-process when the database blinked: a connection failure (SQLState class 08), an
 * administrator shutdown or a server restarting (57P01..57P03), a refused connection. Bounded: at
 * most {@code attempts} tries, waiting {@code first}, then twice as long each time up to
 * {@code longest}. Anything else, or the last failure, is thrown as it came.
 *
 * <p>Retrying a file is safe: an attempt that failed released nothing it could not, and the next
 * attempt of this process takes over its own ended attempt's lease at once and resumes from the
 * last committed checkpoint.
 */
public record TransientRetry(int attempts, Duration first, Duration longest) {

    /** 5 tries over about 15 s (1, 2, 4, 8 s between them). */
    public static final TransientRetry DEFAULT = new TransientRetry(5, Duration.ofSeconds(1), Duration.ofSeconds(8));

    /** What waits between tries (a test passes one that records instead of sleeping). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public TransientRetry {
        if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
        if (first.isNegative() || longest.compareTo(first) < 0) throw new IllegalArgumentException("bad backoff " + first + ".." + longest);
    }

    /** Whether {@code e}, or a cause of it, is a database blip worth another try in-process. */
    public static boolean isDatabaseBlip(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) return true;
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P")) return true;
            }
        }
        return false;
    }

    public <T> T run(Supplier<T> work) {
        return run(work, d -> Thread.sleep(d.toMillis()));
    }

    /** Runs {@code work}, again after a database blip, up to {@link #attempts} times in all. */
    public <T> T run(Supplier<T> work, Sleeper sleeper) {
        Duration wait = first;
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (RuntimeException e) {
                if (attempt >= attempts || !isDatabaseBlip(e)) throw e;
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                wait = wait.multipliedBy(2).compareTo(longest) > 0 ? longest : wait.multipliedBy(2);
            }
        }
    }
}
