package io.inlet.testing;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * Where a benchmark's database time goes, seen from the JDBC side: a {@link DataSource} whose
 * connections and statements count every call that may reach the server (opening a connection,
 * statement executions, commit, rollback, auto-commit switches, validation) and the time spent inside
 * them, by kind. A statement's kind is what {@code statementKind} makes of its SQL text. Whatever time
 * is not inside these calls is the JVM's (decoding, mapping, rendering) or waiting on something else.
 * Safe for use from several threads (the relay's pipeline times claims and marks concurrently).
 */
public final class JdbcCallTimer extends DelegatingDataSource {

    private final UnaryOperator<String> statementKind;
    private final Map<String, LongAdder[]> calls = new ConcurrentHashMap<>(); // kind -> {count, nanos}
    private final LongAdder connections = new LongAdder();

    public JdbcCallTimer(DataSource target, UnaryOperator<String> statementKind) {
        super(target);
        this.statementKind = statementKind;
    }

    /** A statement kind that is the statement's first 60 characters, whitespace folded. */
    public static String firstWords(String sql) {
        String flat = sql.replaceAll("\\s+", " ").trim();
        return flat.length() <= 60 ? flat : flat.substring(0, 60) + "...";
    }

    /** Forgets every call counted so far. */
    public void reset() {
        calls.clear();
        connections.reset();
    }

    /** Connections opened since the last reset. */
    public long connections() {
        return connections.sum();
    }

    /** kind -> {count, nanos}, sorted by kind. */
    public Map<String, long[]> snapshot() {
        Map<String, long[]> out = new TreeMap<>();
        calls.forEach((k, v) -> out.put(k, new long[] {v[0].sum(), v[1].sum()}));
        return out;
    }

    public long totalNanos() {
        return snapshot().values().stream().mapToLong(v -> v[1]).sum();
    }

    public long totalCalls() {
        return snapshot().values().stream().mapToLong(v -> v[0]).sum();
    }

    @Override
    public Connection getConnection() throws SQLException {
        long t0 = System.nanoTime();
        Connection c = real.getConnection();
        record("connect", System.nanoTime() - t0);
        connections.increment();
        return proxy(Connection.class, c, null);
    }

    private void record(String kind, long nanos) {
        LongAdder[] v = calls.computeIfAbsent(kind, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        v[0].increment();
        v[1].add(nanos);
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, T real, String sql) {
        InvocationHandler h = (p, m, args) -> invoke(real, m, args, sql);
        return (T) Proxy.newProxyInstance(JdbcCallTimer.class.getClassLoader(), new Class<?>[] {type}, h);
    }

    private Object invoke(Object real, Method m, Object[] args, String sql) throws Throwable {
        String name = m.getName();
        String kind = switch (name) {
            case "execute", "executeQuery", "executeUpdate", "executeBatch", "executeLargeUpdate" ->
                    statementKind.apply(sql != null ? sql : args != null && args.length > 0 && args[0] instanceof String s ? s : "?");
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

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException();
    }
}
