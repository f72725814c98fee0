package io.inlet.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Where a load's database time went, per statement, from {@code pg_stat_statements}: calls, rows,
 * total and mean time, time per row of the file, WAL. Prints nothing unless the server preloads the
 * extension ({@link ProfiledServer}) and {@code bench.statements=true}.
 */
final class StatementProfile {

    private StatementProfile() {
    }

    static void print(DataSource ds, String variant, long fileRows) {
        if (!Boolean.getBoolean("bench.statements")) return;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                    "statements of %s (pg_stat_statements, this database):%n%8s %9s %10s %9s %8s %10s %10s  %s%n", variant,
                    "calls", "rows", "total ms", "mean ms", "us/row", "wal rec", "wal MB", "statement"));
            try (ResultSet rs = st.executeQuery("""
                    SELECT calls, rows, total_exec_time + total_plan_time, (total_exec_time + total_plan_time) / nullif(calls, 0),
                           wal_records, wal_bytes, regexp_replace(query, '\\s+', ' ', 'g')
                    FROM pg_stat_statements s
                    WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                    ORDER BY total_exec_time + total_plan_time DESC LIMIT 12""")) {
                while (rs.next()) {
                    String q = rs.getString(7);
                    out.append(String.format(Locale.ROOT, "%8d %9d %10.1f %9.2f %8.2f %10d %10.1f  %s%n", rs.getLong(1),
                            rs.getLong(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(3) * 1000 / fileRows, rs.getLong(5),
                            rs.getDouble(6) / 1e6, q.length() > 110 ? q.substring(0, 110) + ".." : q));
                }
            }
            System.out.print(out);
        } catch (SQLException e) {
            System.out.println("statements of " + variant + ": pg_stat_statements not available (" + e.getMessage() + ")");
        }
    }
}
