package io.inlet.store;

import io.inlet.trace.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import io.inlet.failure.RetryableException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs work in one database transaction, retrying it whole when PostgreSQL reports a deadlock or a
 * serialization failure, or the event store lost an append race. Connection-level failures surface
 * as {@link RetryableException} so handlers let the platform redeliver.
 */
public final class Transactions implements TransactionRunner {

    /** Work done inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);
    private static final int MAX_ATTEMPTS = 8;
    static final int IDLE_CHECK_SECONDS = 30;

    private final DataSource ds;

    public Transactions(DataSource ds) {
        this.ds = ds;
    }

    /** Runs {@code work} in a transaction on a connection of its own, retried whole as the class says. */
    @Override
    public <T> T inTransaction(Work<T> work) {
        return run(work, ds::getConnection, (c, broken) -> c.close());
    }

    /**
     * Runs {@code work} on a connection in auto-commit mode, retried whole as {@link #inTransaction}
     * is: for work that writes with one statement (or one driver round trip of several, which
     * PostgreSQL runs as one implicit transaction), which then commits without a COMMIT round trip
     * of its own. Work that needs two round trips to be atomic must use {@link #inTransaction}.
     */
    public <T> T inAutoCommit(Work<T> work) {
        return Tracing.span("inlet.sql.transaction", SpanKind.CLIENT,
                () -> runAttempts(work, ds::getConnection, (c, broken) -> c.close(), true), "db.system", "postgresql");
    }

    /**
     * A session: transactions run one after another on one connection, kept open across them (the
     * batches of one file), so a batch pays no connection set-up and reuses the backend's catalog
     * and plan caches. A connection that broke is replaced at the next transaction, and one that sat
     * idle for {@value #IDLE_CHECK_SECONDS} s or more (a validation pass over a big file) is checked
     * first, so a proxy's idle timeout costs a reconnect rather than the attempt. Not for concurrent
     * use, nor re-entrant: work running in a session transaction must use the connection it is
     * given, not the session. Close it when done.
     */
    public Session session() {
        return new Session(IDLE_CHECK_SECONDS * 1_000_000_000L);
    }

    /** A session that re-checks its connection after {@code idleCheckNanos} of idleness (tests). */
    Session session(long idleCheckNanos) {
        return new Session(idleCheckNanos);
    }

    /** See {@link #session()}. */
    public final class Session implements TransactionRunner, AutoCloseable {
        private Connection held;
        private long lastUsed;
        private boolean active;
        private final long idleCheckNanos;

        private Session(long idleCheckNanos) {
            this.idleCheckNanos = idleCheckNanos;
        }

        /** As {@link Transactions#inTransaction}, on the session's connection. */
        @Override
        public <T> T inTransaction(Work<T> work) {
            if (active) {
                // a nested call would commit (or roll back) the enclosing transaction's work halfway
                throw new IllegalStateException("a session transaction was started inside another on the same session");
            }
            active = true;
            try {
                return run(work, this::connection, (c, broken) -> {
                    lastUsed = System.nanoTime();
                    if (broken || c.isClosed()) {
                        held = null;
                        closeQuietly(c);
                    }
                });
            } finally {
                active = false;
            }
        }

        private Connection connection() throws SQLException {
            if (held != null && System.nanoTime() - lastUsed >= idleCheckNanos && !held.isValid(5)) {
                closeQuietly(held);
                held = null;
            }
            if (held == null) held = ds.getConnection();
            return held;
        }

        @Override
        public void close() {
            if (held != null) closeQuietly(held);
            held = null;
        }
    }

    @FunctionalInterface
    private interface Acquire {
        Connection get() throws SQLException;
    }

    @FunctionalInterface
    private interface Release {
        void release(Connection c, boolean broken) throws SQLException;
    }

    /** One transaction, retries included, as a span {@code inlet.sql.transaction}. */
    private static <T> T run(Work<T> work, Acquire acquire, Release release) {
        return Tracing.span("inlet.sql.transaction", SpanKind.CLIENT, () -> runAttempts(work, acquire, release, false),
                "db.system", "postgresql");
    }

    private static <T> T runAttempts(Work<T> work, Acquire acquire, Release release, boolean autoCommit) {
        for (int attempt = 1; ; attempt++) {
            try {
                Connection c = acquire.get();
                boolean broken = false;
                try {
                    c.setAutoCommit(autoCommit);
                    T result = work.run(c);
                    if (!autoCommit) c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    broken = e instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08");
                    // in auto-commit the server rolled the statement back; leaving auto-commit first makes the
                    // rollback a driver-side no-op that still tells a kept connection to check itself before its next use
                    if (autoCommit) leaveAutoCommitQuietly(c);
                    broken |= !rollbackQuietly(c);
                    if (attempt < MAX_ATTEMPTS && isRetryableInPlace(e)) {
                        LOG.atInfo().setMessage("transaction retried after attempt {}: {}").addArgument(attempt)
                                .addArgument(e.getMessage()).addKeyValue("attempt", attempt)
                                .addKeyValue("reason", e instanceof SQLException s ? "SQLState " + s.getSQLState() : "append race")
                                .log();
                        backoff(attempt);
                        continue;
                    }
                    throw e;
                } catch (Error e) {
                    // never keep a connection whose transaction may still be open
                    broken = true;
                    rollbackQuietly(c);
                    throw e;
                } finally {
                    release.release(c, broken);
                }
            } catch (SQLException e) {
                throw translate(e);
            }
        }
    }

    private static void leaveAutoCommitQuietly(Connection c) {
        try {
            c.setAutoCommit(false);
        } catch (SQLException ignored) {
            // a broken connection: the rollback after this fails too and the connection is not reused
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing a broken connection can fail; it is gone either way
        }
    }

    /** Maps an SQL failure to the failure classes handlers understand. */
    public static RuntimeException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53") || state.equals("40001")
                || state.equals("40P01") || state.isEmpty()) {
            return new RetryableException("database unavailable or busy (SQLState " + state + "): " + e.getMessage(), e);
        }
        if (StoreDataException.isDataError(e)) {
            return new StoreDataException("the database refused a value (SQLState " + state + "): " + e.getMessage(), e);
        }
        return new IllegalStateException("database error (SQLState " + state + "): " + e.getMessage(), e);
    }

    private static boolean isRetryableInPlace(Exception e) {
        if (e instanceof AppendRaceException) return true;
        if (e instanceof SQLException s) {
            String state = s.getSQLState();
            return "40P01".equals(state) || "40001".equals(state);
        }
        return false;
    }

    /** Rolls back; false when that failed (the connection is then not to be reused). */
    private static boolean rollbackQuietly(Connection c) {
        try {
            c.rollback();
            return true;
        } catch (SQLException ignored) {
            // the connection is broken; closing it discards the transaction anyway
            return false;
        }
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(Math.min(500, 5L * (1L << attempt)) + (long) (Math.random() * 10));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted while retrying a transaction", ie);
        }
    }
}
