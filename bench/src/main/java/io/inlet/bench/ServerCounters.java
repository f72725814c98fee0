package io.inlet.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The server's own counters around a measured load, to say where its time went: per relation of the
 * event table (heap and each index) the buffers found in shared_buffers (hit) and read from the
 * kernel (read: page cache or disk), the WAL written (records, full-page images, bytes) and the
 * checkpoints begun, and the time backends spent reading blocks and writing WAL (with
 * {@link #timeIo} on). Cumulative counters; {@link #minus} gives what happened in between.
 */
record ServerCounters(Map<String, long[]> blocks, long walRecords, long walFpi, long walBytes, long checkpoints,
                      double readMs, double walWriteMs) {

    /** Reads the counters; {@code blocks} maps relation name to {hit, read}. */
    static ServerCounters read(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_stat_clear_snapshot()");
            Map<String, long[]> blocks = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT 'heap', heap_blks_hit, heap_blks_read FROM pg_statio_user_tables"
                    + " WHERE relname = '" + table + "' UNION ALL SELECT indexrelname, idx_blks_hit, idx_blks_read"
                    + " FROM pg_statio_user_indexes WHERE relname = '" + table + "'")) {
                while (rs.next()) blocks.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
            }
            try (ResultSet rs = st.executeQuery("SELECT w.wal_records, w.wal_fpi, w.wal_bytes::bigint,"
                    + " k.num_timed + k.num_requested, d.blk_read_time, w.wal_write_time + w.wal_sync_time"
                    + " FROM pg_stat_wal w, pg_stat_checkpointer k, pg_stat_database d WHERE d.datname = current_database()")) {
                rs.next();
                return new ServerCounters(blocks, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5),
                        rs.getDouble(6));
            }
        }
    }

    /** Turns on I/O timing for every later session of the database (Inlet's connections too). */
    static void timeIo(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_database()")) {
            rs.next();
            String db = rs.getString(1);
            st.execute("ALTER DATABASE " + db + " SET track_io_timing = on");
            st.execute("ALTER DATABASE " + db + " SET track_wal_io_timing = on");
        }
    }

    ServerCounters minus(ServerCounters before) {
        Map<String, long[]> d = new LinkedHashMap<>();
        blocks.forEach((name, v) -> {
            long[] b = before.blocks.getOrDefault(name, new long[2]);
            d.put(name, new long[] {v[0] - b[0], v[1] - b[1]});
        });
        return new ServerCounters(d, walRecords - before.walRecords, walFpi - before.walFpi, walBytes - before.walBytes,
                checkpoints - before.checkpoints, readMs - before.readMs, walWriteMs - before.walWriteMs);
    }

    /** One line per relation (hits, reads, read share), then WAL and checkpoints; per row where it says so. */
    String describe(long rows) {
        StringBuilder out = new StringBuilder();
        blocks.forEach((name, v) -> out.append(String.format(Locale.ROOT, "    %-34s hit %10d  read %9d  (%5.1f %% read, %.2f blocks/row)%n",
                name, v[0], v[1], v[0] + v[1] == 0 ? 0.0 : 100.0 * v[1] / (v[0] + v[1]), (double) (v[0] + v[1]) / rows)));
        out.append(String.format(Locale.ROOT, "    WAL %d records, %d full-page images, %.1f MB (%.0f bytes/row); %d checkpoints;"
                + " time in block reads %.0f ms, in WAL write+sync %.0f ms%n",
                walRecords, walFpi, walBytes / 1e6, (double) walBytes / rows, checkpoints, readMs, walWriteMs));
        return out.toString();
    }
}
