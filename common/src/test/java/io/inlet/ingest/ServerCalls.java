package io.inlet.ingest;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The real database, counting the calls that reach the server (statement executions and commits: the
 * round trips of a transaction) and, on demand, losing the connection at the n-th of them: either
 * before the call (the server never sees it) or after it (the server did the work, committed it if it
 * was an auto-commit statement or a commit, and the answer was lost).
 */
final class ServerCalls implements InvocationHandler {

    private static final Set<String> CALLS = Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate",
            "executeBatch", "commit");

    enum Loss { BEFORE, AFTER }

    private final DataSource real;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger commits = new AtomicInteger();
    private int countdown = -1;
    private Loss loss;
    /** Set when a loss AFTER hit a call that committed (an auto-commit execution or a commit). */
    private boolean lostAfterCommit;

    ServerCalls(DataSource real) {
        this.real = real;
    }

    DataSource dataSource() {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, this);
    }

    /** Server calls so far (executions and commits). */
    int calls() {
        return calls.get();
    }

    /** Commit calls so far. */
    int commits() {
        return commits.get();
    }

    /** The {@code n}-th server call from now loses the connection, {@code loss} of it. */
    synchronized void loseAt(int n, Loss loss) {
        this.countdown = n;
        this.loss = loss;
        this.lostAfterCommit = false;
    }

    synchronized boolean lostAfterCommit() {
        return lostAfterCommit;
    }

    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) throws Throwable {
        Object result = call(real, method, args);
        return method.getName().equals("getConnection") ? wrap((Connection) result, Connection.class, null) : result;
    }

    private Object wrap(Object target, Class<?> type, Connection connection) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            boolean counted = CALLS.contains(m.getName());
            Loss now = counted ? arm() : null;
            if (now == Loss.BEFORE) throw new SQLException("simulated: connection lost before " + m.getName(), "08006");
            boolean committing = m.getName().equals("commit")
                    || (counted && (connection == null ? (Connection) target : connection).getAutoCommit());
            Object result = call(target, m, a);
            if (counted) {
                calls.incrementAndGet();
                if (m.getName().equals("commit")) commits.incrementAndGet();
            }
            if (now == Loss.AFTER) {
                synchronized (this) {
                    lostAfterCommit = committing;
                }
                throw new SQLException("simulated: connection lost after " + m.getName(), "08006");
            }
            if ((m.getName().equals("prepareStatement") || m.getName().equals("createStatement")) && result instanceof Statement s) {
                Class<?> face = result instanceof java.sql.PreparedStatement ? java.sql.PreparedStatement.class : Statement.class;
                return wrap(s, face, connection == null ? (Connection) target : connection);
            }
            return result;
        });
    }

    private synchronized Loss arm() {
        if (countdown > 0 && --countdown == 0) {
            countdown = -1;
            return loss;
        }
        return null;
    }

    private static Object call(Object target, java.lang.reflect.Method m, Object[] a) throws Throwable {
        try {
            return m.invoke(target, a);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
