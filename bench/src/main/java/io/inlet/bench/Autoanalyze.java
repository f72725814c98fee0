package io.inlet.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * What autovacuum does on a deployment, done on the benchmark's schedule: {@code ANALYZE} of the
 * benchmark's database before each measured run (bench.analyze, default true).
 *
 * <p>Why (docs/design-notes/h-decay.md): a kept connection runs the gated append's cached generic plan,
 * and a generic plan made while an event table is nearly empty probes it by a sequential scan (a hash
 * join), so its cost grows with every event appended until an {@code ANALYZE} of the table invalidates the
 * plan. On a deployment autovacuum analyzes a table after 50 rows plus 10% have changed, within its naptime
 * (a minute): the plan is made again with the table's size and probes by index once the table holds a few
 * thousand events. A benchmark on a fresh database runs for less than a minute between warm-up and end: no
 * autoanalyze comes, and the growing sequential scan, which a deployment does not have, is what it measured.
 */
final class Autoanalyze {

    private Autoanalyze() {
    }

    static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty("bench.analyze", "true"));
    }

    /** {@code ANALYZE} of the whole database (its tables are small: a fraction of a second), if bench.analyze. */
    static void now(DataSource ds) throws SQLException {
        if (!enabled()) return;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("ANALYZE");
        }
    }
}
