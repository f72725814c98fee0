package io.inlet.bench;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Where a message's time goes, seen from the JDBC side: a {@link DataSource} whose connections and
 * statements count every call that may go to the server (statement executions, commit, rollback,
 * auto-commit switches, validation) and the time spent inside them, by kind. Whatever is not inside
 * them is the JVM's (decoding, mapping, the handler). Single-threaded use only.
 */
final class JdbcTimer implements DataSource {

    private final DataSource target;
    private final Map<String, long[]> calls = new TreeMap<>(); // kind -> {count, nanos}
    private long connections;

    JdbcTimer(DataSource target) {
        this.target = target;
    }

    void reset() {
        calls.clear();
        connections = 0;
    }

    long connections() {
        return connections;
    }

    /** kind -> {count, nanos}. */
    Map<String, long[]> calls() {
        return calls;
    }

    long totalNanos() {
        return calls.values().stream().mapToLong(v -> v[1]).sum();
    }

    long totalCalls() {
        return calls.values().stream().mapToLong(v -> v[0]).sum();
    }

    @Override
    public Connection getConnection() throws SQLException {
        long t0 = System.nanoTime();
        Connection c = target.getConnection();
        record("connect", System.nanoTime() - t0);
        connections++;
        return proxy(Connection.class, c, null);
    }

    private void record(String kind, long nanos) {
        long[] v = calls.computeIfAbsent(kind, k -> new long[2]);
        v[0]++;
        v[1] += nanos;
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, T real, String sql) {
        InvocationHandler h = (p, m, args) -> invoke(real, m, args, sql);
        return (T) Proxy.newProxyInstance(JdbcTimer.class.getClassLoader(), new Class<?>[] {type}, h);
    }

    private Object invoke(Object real, Method m, Object[] args, String sql) throws Throwable {
        String name = m.getName();
        String kind = switch (name) {
            case "execute", "executeQuery", "executeUpdate", "executeBatch", "executeLargeUpdate" ->
                    "sql " + label(sql != null ? sql : args != null && args.length > 0 && args[0] instanceof String s ? s : "?");
            case "commit", "rollback", "isValid" -> name;
            case "setAutoCommit" -> "setAutoCommit(" + args[0] + ")";
            default -> null;
        };
        Object result;
        long t0 = System.nanoTime();
        try {
            result = m.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            if (kind != null) record(kind, System.nanoTime() - t0);
        }
        if (name.equals("prepareStatement") && result instanceof PreparedStatement ps && !(result instanceof CallableStatement)) {
            return proxy(PreparedStatement.class, ps, (String) args[0]);
        }
        if (name.equals("createStatement") && result instanceof Statement s) return proxy(Statement.class, s, null);
        return result;
    }

    /** The statement's first words and table, enough to tell the statements of the message path apart. */
    static String label(String sql) {
        String flat = sql.replaceAll("\\s+", " ").trim();
        return flat.length() <= 60 ? flat : flat.substring(0, 60) + "...";
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return target.isWrapperFor(iface);
    }
}
