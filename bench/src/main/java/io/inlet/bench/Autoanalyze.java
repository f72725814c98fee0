package io.inlet.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The tables as a running deployment has them, for the message benchmarks: an event table that already
 * holds events ({@link #preload}, bench.preloadEvents, default 5,000) and statistics as autovacuum keeps them
 * ({@link #now}: {@code ANALYZE} of the database before each measured run; bench.analyze, default true).
 *
 * <p>Why (docs/DESIGN.md, "The message path slowing over a benchmark run"): a kept connection runs the gated append's cached generic plan,
 * and a generic plan made while an event table is nearly empty probes it by a sequential scan (a hash
 * join), so its cost grows with every event appended until an {@code ANALYZE} of the table invalidates the
 * plan. On a deployment autovacuum analyzes a table after 50 rows plus 10% have changed, within its naptime
 * (a minute): the plan is made again with the table's size and probes by index once the table holds a few
 * thousand events. A benchmark on a fresh database runs for less than a minute between warm-up and end: no
 * autoanalyze comes, and the growing sequential scan, which a deployment does not have, is what it measured.
 * The generic plan probes by index once the table was analyzed at about 1,500 rows or more: the preload puts
 * the table past that before the warm-up, so the warm-up's plans are already the deployment's.
 */
final class Autoanalyze {

    private Autoanalyze() {
    }

    static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty("bench.analyze", "true"));
    }

    /**
     * Appends bench.preloadEvents events (5,000 unless set; 0: none) to {@code table}, one per stream of their
     * own ("preload-n"), then analyzes the database: what an event table of a deployment looks like before the
     * benchmark's first message. Ends with {@code ANALYZE} even when bench.analyze is false (no plan is cached yet).
     */
    static void preload(DataSource ds, String table) throws SQLException {
        int n = Integer.getInteger("bench.preloadEvents", 5_000);
        if (n <= 0) return;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + table + " (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) "
                    + "SELECT gen_random_uuid(), 'preload-' || g, 1, 'Preloaded', now(), 'bench-preload', jsonb_build_object('n', g) "
                    + "FROM generate_series(1, " + n + ") g");
            s.execute("ANALYZE");
        }
    }

    /** {@code ANALYZE} of the whole database (its tables are small: a fraction of a second), if bench.analyze. */
    static void now(DataSource ds) throws SQLException {
        if (!enabled()) return;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("ANALYZE");
        }
    }
}
