package io.inlet.simulation;

import io.inlet.testing.DelegatingDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * A minimal connection pool for the simulation (the core's test database hands out a new server
 * connection per {@code getConnection}, which would make thousands of transactions per second
 * impossible). A closed handle rolls back what is open, restores auto-commit and returns its
 * connection; a connection the caller's code found broken is still reset and reused, since the
 * simulation's faults never reach the server.
 */
final class PooledDataSource extends DelegatingDataSource {

    private static final int MAX_IDLE = 16;

    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();

    PooledDataSource(DataSource real) {
        super(real);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c = idle.pollFirst();
        if (c == null || c.isClosed()) c = real.getConnection();
        return handle(c);
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the simulation pool has one user");
    }

    private Connection handle(Connection c) {
        AtomicBoolean closed = new AtomicBoolean();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close" -> {
                            if (closed.compareAndSet(false, true)) giveBack(c);
                            return null;
                        }
                        case "isClosed" -> {
                            return closed.get() || c.isClosed();
                        }
                        default -> {
                            if (closed.get()) throw new SQLException("connection handle is closed", "08003");
                        }
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Closes the idle connections (call once nothing uses the pool any more). */
    void closeIdle() {
        for (Connection c; (c = idle.pollFirst()) != null; ) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // gone either way
            }
        }
    }

    private void giveBack(Connection c) throws SQLException {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            c.close();
            return;
        }
        if (idle.size() < MAX_IDLE) idle.offerFirst(c); else c.close();
    }
}
