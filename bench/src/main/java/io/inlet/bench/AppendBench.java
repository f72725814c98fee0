package io.inlet.bench;

import io.inlet.db.Database;
import io.inlet.event.EventEnvelope;
import io.inlet.event.DerivedRoute;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Measures the write paths into an event table in one process, on one embedded PostgreSQL: each
 * variant loads the same deterministic order events into its own fresh database, one transaction
 * per batch on one connection; a warm-up load first, then measured runs (best of), then for the
 * EventStore variant a second pass of the same events (all duplicates). Every measured
 * load is checked: exactly the expected rows with the expected stream versions (and outbox rows).
 *
 * <p>Settings (system properties): bench.rows (300000), bench.batch (5000), bench.streams (20000),
 * bench.warmupRows (60000), bench.runs (2), bench.variants (comma-separated keys; default all:
 * eventstore, jdbc-batch, raw-copy). The statement shapes and the COPY-staging transport compared in
 * docs/benchmarks.md were retired with the stream-heads table (migration V12); git history has them.
 */
public final class AppendBench {

    static final String TABLE = "order_events";
    static final List<DerivedRoute> ROUTES =
            List.of(new DerivedRoute(DerivedRoute.Kind.APPENDED, "order-updates", List.of(), null));

    /** Workload and repetition settings. */
    public record Settings(int rows, int batchSize, int streams, int warmupRows, int runs, List<String> variants) {

        static Settings fromSystemProperties() {
            String variants = System.getProperty("bench.variants", "");
            return new Settings(Integer.getInteger("bench.rows", 300_000), Integer.getInteger("bench.batch", 5_000),
                    Integer.getInteger("bench.streams", 20_000), Integer.getInteger("bench.warmupRows", 60_000),
                    Integer.getInteger("bench.runs", 2),
                    variants.isBlank() ? List.of() : List.of(variants.split("\\s*,\\s*")));
        }
    }

    /** One measured pass of one variant; seconds holds every run, best first is what the table uses. */
    public record Measurement(String variant, String pass, long rows, long appended, long storedRows, long outboxRows,
                              List<Double> seconds) {

        double best() {
            return seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        }
    }

    private record Variant(String key, Supplier<WritePath> path) {
    }

    private static final List<Variant> ALL = List.of(
            new Variant("eventstore", () -> WritePath.eventStore(ROUTES)),
            new Variant("jdbc-batch", WritePath::jdbcBatch),
            new Variant("raw-copy", WritePath::rawCopy));

    private AppendBench() {
    }

    public static void main(String[] args) throws SQLException {
        Settings s = Settings.fromSystemProperties();
        System.out.printf(Locale.ROOT, "append bench: %d rows, batches of %d, %d streams, warm-up %d rows, %d measured runs, variants %s%n",
                s.rows(), s.batchSize(), s.streams(), s.warmupRows(), s.runs(), s.variants().isEmpty() ? "all" : s.variants());
        System.out.println("server: PostgreSQL " + serverVersion() + "; JVM " + System.getProperty("java.version")
                + "; cpus " + Runtime.getRuntime().availableProcessors());
        long start = System.nanoTime();
        List<Measurement> results = run(s);
        System.out.println();
        System.out.print(table(results));
        System.out.printf(Locale.ROOT, "total wall time %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    /** Runs the whole benchmark and returns its measurements (first passes, then duplicate passes). */
    public static List<Measurement> run(Settings s) throws SQLException {
        List<Variant> variants = s.variants().isEmpty() ? ALL
                : ALL.stream().filter(v -> s.variants().contains(v.key())).toList();
        if (variants.size() != Math.max(s.variants().size(), variants.size()) || variants.isEmpty()) {
            throw new IllegalArgumentException("unknown variant in " + s.variants() + "; known: "
                    + ALL.stream().map(Variant::key).toList());
        }
        List<List<EventEnvelope>> batches = new OrderEvents(s.rows(), s.batchSize(), s.streams(), 42L).batches();
        Map<String, String> expected = expectedRows(batches);
        List<List<EventEnvelope>> warmup = batches.subList(0, Math.max(1, Math.min(batches.size(),
                (s.warmupRows() + s.batchSize() - 1) / s.batchSize())));

        for (Variant v : variants) {
            DataSource ds = TestDatabase.fresh(TABLE);
            double t = load(ds, v.path().get(), warmup);
            System.out.printf(Locale.ROOT, "warm-up  %-13s %8d rows %7.2f s%n", v.key(), count(warmup), t);
            drop(ds);
        }

        Map<String, Measurement> first = new HashMap<>(), again = new HashMap<>();
        for (int run = 0; run < s.runs(); run++) {
            for (int k = 0; k < variants.size(); k++) {
                Variant v = variants.get((k + run) % variants.size()); // rotate so no variant always goes first
                DataSource ds = TestDatabase.fresh(TABLE);
                WritePath path = v.path().get();
                checkpoint(ds);
                long[] appended = {0};
                double t = load(ds, path, batches, appended);
                long stored = verify(ds, expected, v.key());
                long outbox = scalar(ds, "SELECT count(*) FROM outbox");
                if (path.idempotentWithOutbox() && outbox != expected.size()) {
                    throw new IllegalStateException(v.key() + ": " + outbox + " outbox rows, expected " + expected.size());
                }
                System.out.printf(Locale.ROOT, "run %d    %-13s %8d rows %7.2f s%n", run + 1, v.key(), stored, t);
                merge(first, new Measurement(path.name(), "new events", count(batches), appended[0], stored, outbox,
                        List.of(t)));
                if (path.idempotentWithOutbox()) {
                    checkpoint(ds);
                    long[] again0 = {0};
                    double t2 = load(ds, path, batches, again0);
                    long stored2 = verify(ds, expected, v.key());
                    long outbox2 = scalar(ds, "SELECT count(*) FROM outbox");
                    if (again0[0] != 0 || outbox2 != outbox) {
                        throw new IllegalStateException(v.key() + ": the duplicate pass appended " + again0[0]
                                + " events and left " + outbox2 + " outbox rows");
                    }
                    System.out.printf(Locale.ROOT, "run %d    %-13s %8d dups %7.2f s%n", run + 1, v.key(), count(batches), t2);
                    merge(again, new Measurement(path.name(), "all duplicates", count(batches), again0[0], stored2, outbox2,
                            List.of(t2)));
                }
                drop(ds);
            }
        }
        List<Measurement> out = new ArrayList<>();
        for (Variant v : variants) {
            String name = v.path().get().name();
            out.add(first.get(name));
        }
        for (Variant v : variants) {
            Measurement m = again.get(v.path().get().name());
            if (m != null) out.add(m);
        }
        return out;
    }

    private static void merge(Map<String, Measurement> into, Measurement m) {
        into.merge(m.variant(), m, (a, b) -> {
            List<Double> all = new ArrayList<>(a.seconds());
            all.addAll(b.seconds());
            return new Measurement(a.variant(), a.pass(), a.rows(), b.appended(), b.storedRows(), b.outboxRows(), all);
        });
    }

    private static double load(DataSource ds, WritePath path, List<List<EventEnvelope>> batches) throws SQLException {
        return load(ds, path, batches, new long[1]);
    }

    /** One transaction per batch on one connection, as a function invocation ingesting a file would. */
    private static double load(DataSource ds, WritePath path, List<List<EventEnvelope>> batches, long[] appended)
            throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            long start = System.nanoTime();
            for (List<EventEnvelope> batch : batches) {
                appended[0] += path.write(c, TABLE, batch);
                c.commit();
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /** event id -> "stream:version" as a single in-order writer numbers them. */
    static Map<String, String> expectedRows(List<List<EventEnvelope>> batches) {
        StreamVersions versions = new StreamVersions();
        Map<String, String> rows = new HashMap<>();
        for (List<EventEnvelope> batch : batches) {
            for (EventEnvelope e : batch) rows.put(e.eventId().toString(), e.streamId() + ":" + versions.next(e));
        }
        return rows;
    }

    /** Throws unless the event table holds exactly the expected rows; returns their count. */
    private static long verify(DataSource ds, Map<String, String> expected, String variant) throws SQLException {
        Map<String, String> stored = new HashMap<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT event_id::text, stream_id || ':' || stream_version FROM " + TABLE)) {
            while (rs.next()) stored.put(rs.getString(1), rs.getString(2));
        }
        if (!stored.equals(expected)) {
            long missing = expected.keySet().stream().filter(k -> !stored.containsKey(k)).count();
            long wrong = expected.entrySet().stream()
                    .filter(e -> stored.containsKey(e.getKey()) && !stored.get(e.getKey()).equals(e.getValue())).count();
            throw new IllegalStateException(variant + ": stored " + stored.size() + " rows, expected " + expected.size()
                    + " (" + missing + " missing, " + wrong + " with another stream version)");
        }
        return stored.size();
    }

    private static long count(List<List<EventEnvelope>> batches) {
        return batches.stream().mapToLong(List::size).sum();
    }

    static long scalar(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void checkpointUnchecked(DataSource ds) {
        try {
            checkpoint(ds);
        } catch (SQLException e) {
            throw new IllegalStateException("CHECKPOINT failed: " + e.getMessage(), e);
        }
    }

    static void checkpoint(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        }
    }

    static void drop(DataSource ds) throws SQLException {
        String name;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_database()")) {
            rs.next();
            name = rs.getString(1);
        }
        try (Connection c = Database.dataSource(TestDatabase.server()).getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE " + name + " WITH (FORCE)");
        }
    }

    static String serverVersion() throws SQLException {
        try (Connection c = Database.dataSource(TestDatabase.server()).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The printed table: best run of each, and its time relative to raw COPY and to the JDBC batch. */
    static String table(List<Measurement> results) {
        Function<String, Double> bestOf = prefix -> results.stream()
                .filter(m -> m.variant().startsWith(prefix) && m.pass().equals("new events"))
                .findFirst().map(Measurement::best).orElse(Double.NaN);
        double raw = bestOf.apply("raw COPY"), jdbc = bestOf.apply("JDBC batch");
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-31s %-15s %8s %8s %9s %10s %11s  %s%n", "variant", "pass", "rows",
                "seconds", "rows/s", "×raw COPY", "×JDBC batch", "all runs (s)"));
        for (Measurement m : results) {
            double t = m.best();
            out.append(String.format(Locale.ROOT, "%-31s %-15s %8d %8.2f %9.0f %10.2f %11.2f  %s%n", m.variant(), m.pass(),
                    m.rows(), t, m.rows() / t, t / raw, t / jdbc,
                    m.seconds().stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList()));
        }
        out.append("(×: this pass's best time divided by the best time of raw COPY / of the JDBC batch; higher is slower)\n");
        return out.toString();
    }
}
