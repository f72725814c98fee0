package io.inlet.aws.bench;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Where a relay run's database time goes: a {@link DataSource} whose statements and commits are timed
 * by kind (the relay's claim steps, rendering's event read, marks, commit). Time outside them is the
 * JVM's (rendering, the pipeline) or waiting for sends.
 */
final class SqlTimer implements DataSource {

    private final DataSource target;
    private final Map<String, LongAdder[]> calls = new ConcurrentHashMap<>();

    SqlTimer(DataSource target) {
        this.target = target;
    }

    /** kind -> {count, nanos}. */
    Map<String, long[]> snapshot() {
        Map<String, long[]> out = new TreeMap<>();
        calls.forEach((k, v) -> out.put(k, new long[] {v[0].sum(), v[1].sum()}));
        return out;
    }

    /** The relay's statements by what they do. */
    static String kind(String sql) {
        String s = sql.replaceAll("\\s+", " ");
        if (s.startsWith("WITH w AS")) return "claim.window";
        if (s.contains("LIMIT ? FOR UPDATE OF o SKIP LOCKED")) return "claim.heads";
        if (s.contains("FROM outbox h CROSS JOIN LATERAL")) return "claim.followers-read";
        if (s.contains("ORDER BY o.outbox_id FOR UPDATE OF o SKIP LOCKED")) return "claim.followers-lock";
        if (s.startsWith("UPDATE outbox o SET available_at")) return "claim.defer";
        if (s.startsWith("SELECT event_id, stream_id")) return "render.events";
        if (s.startsWith("WITH at AS")) return "mark.published";
        if (s.startsWith("UPDATE outbox SET attempts") || s.contains("blocked_at IS NOT NULL")) return "mark.failed";
        return "other";
    }

    private void record(String kind, long nanos) {
        LongAdder[] v = calls.computeIfAbsent(kind, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        v[0].increment();
        v[1].add(nanos);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return proxy(Connection.class, target.getConnection(), null);
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, T real, String sql) {
        InvocationHandler h = (p, m, args) -> invoke(real, m, args, sql);
        return (T) Proxy.newProxyInstance(SqlTimer.class.getClassLoader(), new Class<?>[] {type}, h);
    }

    private Object invoke(Object real, Method m, Object[] args, String sql) throws Throwable {
        String name = m.getName();
        String kind = switch (name) {
            case "execute", "executeQuery", "executeUpdate", "executeBatch" ->
                    kind(sql != null ? sql : args != null && args.length > 0 && args[0] instanceof String s ? s : "?");
            case "commit" -> "commit";
            default -> null;
        };
        long t0 = System.nanoTime();
        Object result;
        try {
            result = m.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            if (kind != null) record(kind, System.nanoTime() - t0);
        }
        if (name.equals("prepareStatement") && result instanceof PreparedStatement ps) {
            return proxy(PreparedStatement.class, ps, (String) args[0]);
        }
        if (name.equals("createStatement") && result instanceof Statement st) return proxy(Statement.class, st, null);
        return result;
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
