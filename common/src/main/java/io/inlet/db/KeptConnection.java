package io.inlet.db;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * One database connection kept per function instance and lent out again and again: a message costs
 * no TCP, TLS or SCRAM set-up, and the backend's plan and catalog caches (and the driver's
 * server-prepared statements) survive from one invocation to the next.
 *
 * <p>The rules, each proved by {@code KeptConnectionTest}:
 * <ul>
 *   <li>At most one connection is kept. {@link #getConnection()} lends it when it is free; a caller
 *       that asks while it is lent (a nested or concurrent use) gets a connection of its own, which
 *       its {@code close()} really closes.</li>
 *   <li>It is validated ({@link Connection#isValid} with a short timeout) before it is lent, when
 *       {@link #revalidate()} was called since (each invocation calls it first) and it has been back
 *       for at least {@code quietBeforeCheck} (default {@value #DEFAULT_QUIET_BEFORE_CHECK_MILLIS} ms:
 *       an instance taking one invocation after the other does not pay a round trip per invocation to
 *       check a connection it used successfully a moment ago), or when it sat idle for longer than
 *       {@code validateAfterIdle} (a proxy's or server's idle timeout, a frozen instance). One that
 *       fails is closed and replaced by a new one, before any statement ran on it: nothing is ever
 *       retried, a statement either never saw the dead connection or fails as it would without the
 *       reuse and is retried (or not) by its caller, whole.</li>
 *   <li>Returning it ({@code close()} on what was lent) rolls back an open transaction and restores
 *       auto-commit; a connection that is closed, or whose reset fails, is dropped, not kept. One the
 *       borrower rolled back (a failure, perhaps of the connection) is validated before its next use.</li>
 *   <li>{@link #discard()} closes the kept connection: before a SnapStart checkpoint (no socket in
 *       the snapshot) and after a restore (a connection from before the snapshot is never lent
 *       after it).</li>
 * </ul>
 * Thread-safe; the lending itself holds a lock for a few field updates, never across I/O other than
 * the validation and the opening of a connection.
 */
public final class KeptConnection implements DataSource, AutoCloseable {

    /** Validation timeout: long enough for a round trip to a loaded server, short enough to fail a dead one quickly. */
    public static final Duration DEFAULT_VALIDATION_TIMEOUT = Duration.ofSeconds(2);
    /** Idle time after which the kept connection is validated even within one invocation. */
    public static final Duration DEFAULT_VALIDATE_AFTER_IDLE = Duration.ofSeconds(30);
    /** Time back after which {@link #revalidate()} makes the next lending check the connection. */
    public static final long DEFAULT_QUIET_BEFORE_CHECK_MILLIS = 1000;

    private final DataSource physical;
    private final int validationTimeoutSeconds;
    private final long validateAfterIdleNanos;
    private final long quietBeforeCheckNanos;
    private final LongSupplier clock;

    private Connection kept;
    private boolean lent;
    private boolean mustValidate;
    private boolean invocationBegun;
    private long returnedAt;
    private long opened;
    private long replaced;

    public KeptConnection(DataSource physical) {
        this(physical, DEFAULT_VALIDATION_TIMEOUT, DEFAULT_VALIDATE_AFTER_IDLE, System::nanoTime);
    }

    KeptConnection(DataSource physical, Duration validationTimeout, Duration validateAfterIdle, LongSupplier clock) {
        this(physical, validationTimeout, validateAfterIdle, Duration.ofMillis(DEFAULT_QUIET_BEFORE_CHECK_MILLIS), clock);
    }

    KeptConnection(DataSource physical, Duration validationTimeout, Duration validateAfterIdle, Duration quietBeforeCheck,
                   LongSupplier clock) {
        this.physical = Objects.requireNonNull(physical, "physical");
        this.validationTimeoutSeconds = (int) Math.max(1, (validationTimeout.toMillis() + 999) / 1000);
        this.validateAfterIdleNanos = validateAfterIdle.toNanos();
        this.quietBeforeCheckNanos = quietBeforeCheck.toNanos();
        this.clock = clock;
    }

    /** The kept connection (validated as the class says), or a connection of the caller's own while it is lent. */
    @Override
    public Connection getConnection() throws SQLException {
        Connection candidate;
        boolean validate;
        synchronized (this) {
            if (lent) return physical.getConnection();
            lent = true;
            candidate = kept;
            long idle = clock.getAsLong() - returnedAt;
            validate = candidate != null && (mustValidate || (invocationBegun && idle >= quietBeforeCheckNanos)
                    || idle >= validateAfterIdleNanos);
            mustValidate = false;
            invocationBegun = false;
        }
        try {
            if (candidate != null && validate && !isValid(candidate)) {
                closeQuietly(candidate);
                candidate = null;
                synchronized (this) {
                    kept = null;
                    replaced++;
                }
            }
            if (candidate == null) {
                candidate = physical.getConnection();
                synchronized (this) {
                    kept = candidate;
                    opened++;
                }
            }
            return lend(candidate);
        } catch (SQLException | RuntimeException | Error e) {
            synchronized (this) {
                lent = false;
            }
            throw e;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("KeptConnection lends its one connection; credentials are the data source's");
    }

    /**
     * The start of an invocation: the next lending validates the kept connection first, unless it came
     * back less than {@code quietBeforeCheck} ago (used a moment ago by the invocation before).
     */
    public synchronized void revalidate() {
        invocationBegun = true;
    }

    /**
     * Closes the kept connection (if it is not lent); the next lending opens a new one. For a
     * SnapStart checkpoint and restore: no connection crosses a snapshot.
     */
    public void discard() {
        Connection c;
        synchronized (this) {
            if (lent) {
                mustValidate = true; // cannot close under its user; never lent again without a check
                return;
            }
            c = kept;
            kept = null;
        }
        if (c != null) closeQuietly(c);
    }

    /** Physical connections this kept so far (the first, plus one per replacement or discard). */
    public synchronized long opened() {
        return opened;
    }

    /** Kept connections found dead at validation and replaced. */
    public synchronized long replaced() {
        return replaced;
    }

    @Override
    public void close() {
        discard();
    }

    private boolean isValid(Connection c) {
        try {
            return c.isValid(validationTimeoutSeconds);
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection lend(Connection real) {
        return (Connection) Proxy.newProxyInstance(KeptConnection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new Lent(real));
    }

    /** Takes the lent connection back: reset to auto-commit with no open transaction, or dropped. */
    private void giveBack(Connection real, boolean rolledBack) {
        boolean keep;
        try {
            keep = !real.isClosed();
            if (keep && !real.getAutoCommit()) {
                real.rollback(); // no round trip when no transaction is open (after a commit)
                real.setAutoCommit(true);
            }
            if (keep && real.isReadOnly()) real.setReadOnly(false);
            if (keep) real.clearWarnings();
        } catch (SQLException | RuntimeException e) {
            keep = false;
        }
        if (!keep) closeQuietly(real);
        synchronized (this) {
            lent = false;
            returnedAt = clock.getAsLong();
            if (!keep && kept == real) kept = null;
            // a rollback by the borrower follows a failure, perhaps of the connection: check before the next use
            if (keep && rolledBack) mustValidate = true;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // a dead connection may fail to close; it is gone either way
        }
    }

    /** What the borrower holds: the kept connection until {@code close()}, then nothing. */
    private final class Lent implements InvocationHandler {
        private final Connection real;
        private boolean returned;
        private boolean rolledBack;

        Lent(Connection real) {
            this.real = real;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close" -> {
                    if (!returned) {
                        returned = true;
                        giveBack(real, rolledBack);
                    }
                    return null;
                }
                case "isClosed" -> {
                    return returned || real.isClosed();
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "kept " + real;
                }
                default -> {
                    if (returned) throw new SQLException("connection already returned (closed)", "08003");
                    if (method.getName().equals("rollback")) rolledBack = true;
                }
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    // DataSource's remaining methods: the physical source's

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return physical.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        physical.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        physical.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return physical.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return physical.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) return iface.cast(this);
        return physical.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || physical.isWrapperFor(iface);
    }
}
