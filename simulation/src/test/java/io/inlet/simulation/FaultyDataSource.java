package io.inlet.simulation;

import io.inlet.testing.DelegatingDataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The real database, with one injected failure on demand: {@link #failAfter(int)} makes the n-th
 * statement (prepare, create or commit) from now fail as a lost connection (SQLState 08006) before it
 * reaches the server, wherever the code under test happens to be: claim, a batch, the finish, a
 * removal, a message.
 */
final class FaultyDataSource extends DelegatingDataSource {

    private static final Set<String> COUNTED = Set.of("prepareStatement", "createStatement", "prepareCall", "commit");

    private final AtomicInteger countdown = new AtomicInteger(-1);
    private final AtomicInteger injected = new AtomicInteger();

    FaultyDataSource(DataSource real) {
        super(real);
    }

    /** The {@code n}-th counted call from now fails (n >= 1); one failure, then none until armed again. */
    void failAfter(int n) {
        countdown.set(n);
    }

    void disarm() {
        countdown.set(-1);
    }

    int injected() {
        return injected.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(real.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return wrap(real.getConnection(user, password));
    }

    private Connection wrap(Connection c) {
        InvocationHandler h = (proxy, method, args) -> {
            if (COUNTED.contains(method.getName()) && countdown.get() > 0 && countdown.decrementAndGet() == 0) {
                countdown.set(-1);
                injected.incrementAndGet();
                throw new SQLException("simulated: connection lost before " + method.getName(), "08006");
            }
            try {
                return method.invoke(c, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
    }

}
