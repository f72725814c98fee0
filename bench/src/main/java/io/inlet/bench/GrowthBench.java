package io.inlet.bench;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.Feed;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.testing.TestDatabase;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.postgresql.PGConnection;

/**
 * Append throughput as the event table grows (issue 18.3): one database, one event table, grown by
 * COPY ({@link GrowthPreload}) to each step's size (default 1M, 10M, 30M events, after a first step
 * on the empty table), and at each step the same orders file appended twice through Inlet's real
 * file path ({@link Inlet#ingestFile} over {@link LocalFileSource}, the feed's default batch size,
 * one lane unless bench.lanes says otherwise, no derived events) with a COPY of the same file's rows
 * (pre-rendered, as IngestBench's (a)) in between. Each pass is the same bytes under a feed name and
 * object version of its own, so its event ids are new while its streams are the file's customers,
 * which the preload has filled: every pass appends the whole file (checked: appended = rows). A
 * fourth pass, Inlet c, appends it again with wal_compression on for the database (bench.walCompression:
 * auto = lz4 if the server has it, else pglz; off = no pass c), to show what the WAL volume costs; with
 * bench.fixSettings a fifth, Inlet d, runs with those server settings (e.g. a larger max_wal_size) and then resets them.
 *
 * <p>Around every pass the server's counters ({@link ServerCounters}: buffer hits and reads per
 * index, WAL, checkpoints) are printed, and after each step EXPLAIN (ANALYZE, BUFFERS) of the
 * append's index-bound parts ({@link GrowthExplain}). At the end: the event count and that every
 * stream's versions are 1..n without a gap.
 *
 * <p>Settings (system properties): bench.steps (1000000,10000000,30000000), bench.fileRows (500000),
 * bench.eventsPerStream (8: the preload spreads a step's events over size/8 streams),
 * bench.lanes (1), bench.warmupRows (20000), bench.dir (temporary directory for the files), bench.walCompression
 * (auto), bench.serverSettings (none; e.g. {@code max_wal_size=16GB,checkpoint_timeout=1800}: ALTER SYSTEM on the
 * benchmark's own embedded server before the run).
 * Not run in CI: {@code ./mvnw -B -o -q -pl bench -am verify -DskipTests -Dexec.skip=true && ./mvnw -B -o -q -pl bench exec:java -Dexec.mainClass=io.inlet.bench.GrowthBench}.
 */
public final class GrowthBench {

    static final String TABLE = "order_events";

    /** One measured pass of the file at one step. */
    record Pass(long step, String variant, long tableRowsBefore, long rows, double seconds) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    private final Path dir;
    private final LocalFileSource source;
    private final int lanes = Integer.getInteger("bench.lanes", 1);

    GrowthBench(Path dir) {
        this.dir = dir;
        this.source = new LocalFileSource(dir);
    }

    public static void main(String[] args) throws Exception {
        long[] steps = Arrays.stream(System.getProperty("bench.steps", "1000000,10000000,30000000").split("\\s*,\\s*"))
                .mapToLong(Long::parseLong).toArray();
        long fileRows = Long.getLong("bench.fileRows", 500_000L);
        int perStream = Integer.getInteger("bench.eventsPerStream", 8);
        long warmupRows = Long.getLong("bench.warmupRows", 20_000L);
        String dirSetting = System.getProperty("bench.dir");
        Path dir = dirSetting == null ? Files.createTempDirectory("inlet-growth-bench") : Path.of(dirSetting);
        long start = System.nanoTime();
        System.out.printf(Locale.ROOT, "growth bench: steps %s, file %d rows, %d events per stream, files in %s%n",
                Arrays.toString(steps), fileRows, perStream, dir);
        System.out.println("server: PostgreSQL " + AppendBench.serverVersion() + "; JVM " + System.getProperty("java.version")
                + " (max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB); cpus "
                + Runtime.getRuntime().availableProcessors());
        GrowthBench bench = new GrowthBench(dir);
        DataSource ds = TestDatabase.fresh(TABLE);
        String serverSettings = System.getProperty("bench.serverSettings", "");
        if (!serverSettings.isBlank()) applyServerSettings(ds, serverSettings);
        System.out.println("settings: " + settings(ds));

        int customers = (int) Math.max(10, fileRows / 8);
        if (warmupRows > 0) bench.warmUp(warmupRows);
        Path file = bench.generate("orders/orders.csv", fileRows, customers);
        long[] perCustomer = perCustomer(file, customers);

        long largest = Arrays.stream(steps).max().orElse(0);

        // the empty table, in a database of its own (the passes would otherwise be part of the first step's size)
        DataSource empty = TestDatabase.fresh(TABLE);
        ServerCounters.timeIo(empty);
        List<Pass> passes = new ArrayList<>(bench.step(empty, file, 0, 0, perCustomer, new GrowthStreams(customers, customers)));
        AppendBench.drop(empty);

        ServerCounters.timeIo(ds);
        GrowthStreams streams = new GrowthStreams((int) Math.max(customers, largest / perStream), customers);
        GrowthPreload preload = new GrowthPreload(ds, TABLE, streams, 7L);
        long held = 0;
        for (long step : steps) {
            if (step > held) {
                int active = (int) Math.max(customers, step / perStream);
                GrowthPreload.Done d = preload.load(step - held, active);
                System.out.printf(Locale.ROOT, "preload %d rows over %d streams: COPY %.1f s (%.0f rows/s), index builds %.1f s,"
                        + " VACUUM (ANALYZE) + CHECKPOINT %.1f s%n", d.rows(), active, d.copySeconds(), d.rows() / d.copySeconds(),
                        d.indexSeconds(), d.vacuumSeconds());
                held = step;
            }
            List<Pass> done = bench.step(ds, file, step, held, perCustomer, streams);
            passes.addAll(done);
            held += done.stream().mapToLong(Pass::rows).sum();
        }
        long[] all = new long[steps.length + 1];
        System.arraycopy(steps, 0, all, 1, steps.length);
        System.out.println();
        System.out.print(table(passes, all));
        verify(ds, held);
        AppendBench.drop(ds);
        if (!Boolean.getBoolean("bench.keepFile")) Files.delete(file);
        System.out.printf(Locale.ROOT, "total wall time %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    /**
     * One step's passes into a table holding {@code held} events: Inlet a, COPY, Inlet b, then Inlet c with
     * wal_compression on (not part of the step's Inlet figure); then the EXPLAINs.
     */
    List<Pass> step(DataSource ds, Path file, long step, long held, long[] perCustomer, GrowthStreams streams)
            throws SQLException, IOException {
        System.out.printf(Locale.ROOT, "%n== step: table holding %d events ==%n", held);
        System.out.print(sizes(ds));
        String tag = step >= 1_000_000 ? step / 1_000_000 + "m" : Long.toString(step);
        List<Pass> passes = new ArrayList<>();
        passes.add(inlet(ds, file, step, held, "Inlet a", "orders-" + tag + "-a", perCustomer, streams));
        passes.add(copy(ds, file, step, held + passes.get(0).rows(), "COPY", "copy-" + tag, perCustomer, streams));
        passes.add(inlet(ds, file, step, held + 2 * passes.get(0).rows(), "Inlet b", "orders-" + tag + "-b", perCustomer,
                streams));
        String compression = walCompression(ds);
        if (compression != null) {
            // the same append with full-page images compressed: what WAL volume costs at this size
            setWalCompression(ds, compression);
            System.out.println("Inlet c: wal_compression = " + compression);
            try {
                passes.add(inlet(ds, file, step, held + 3 * passes.get(0).rows(), "Inlet c", "orders-" + tag + "-c",
                        perCustomer, streams));
            } finally {
                setWalCompression(ds, null);
            }
        }
        String fix = System.getProperty("bench.fixSettings", "");
        if (!fix.isBlank()) {
            // the same append with the server's checkpoint spacing changed, e.g. max_wal_size raised
            applyServerSettings(ds, fix);
            System.out.println("Inlet d: " + fix + "; " + settings(ds));
            try {
                long before = passes.stream().mapToLong(Pass::rows).sum();
                passes.add(inlet(ds, file, step, held + before, "Inlet d", "orders-" + tag + "-d", perCustomer, streams));
            } finally {
                resetServerSettings(ds, fix);
            }
        }
        System.out.print(GrowthExplain.explain(ds, TABLE, file, "explain-" + tag, Feed.DEFAULT_BATCH_SIZE, streams));
        return passes;
    }

    /** The wal_compression method of pass c: bench.walCompression, else lz4 if the server has it, else pglz; "off": no pass c. */
    private static String walCompression(DataSource ds) throws SQLException {
        String wanted = System.getProperty("bench.walCompression", "auto");
        if (wanted.equals("off")) return null;
        if (!wanted.equals("auto")) return wanted;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 'lz4' = ANY (enumvals) FROM pg_settings WHERE name = 'wal_compression'")) {
            return rs.next() && rs.getBoolean(1) ? "lz4" : "pglz";
        }
    }

    /** Sets (or with null resets) wal_compression for the database's later sessions, Inlet's among them. */
    private static void setWalCompression(DataSource ds, String method) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_database()")) {
            rs.next();
            st.execute("ALTER DATABASE " + rs.getString(1) + (method == null ? " RESET wal_compression"
                    : " SET wal_compression = " + method));
        }
    }

    Path generate(String key, long rows, int customers) throws IOException {
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        long size = new OrdersCsv(rows, customers, 40, 42L).write(file);
        System.out.printf(Locale.ROOT, "generated %s: %d rows, %d customers, %.1f MB%n", key, rows, customers, size / 1e6);
        return file;
    }

    /** JIT warm-up: a small file through the same path into a database of its own. */
    private void warmUp(long rows) throws Exception {
        Path warm = generate("orders/warmup.csv", rows, (int) Math.max(10, rows / 8));
        DataSource ds = TestDatabase.fresh(TABLE);
        ObjectRef ref = source.refFor(LocalFileSource.BUCKET, warm);
        FileReport report = Inlet.builder().dataSource(ds).feeds(feeds("warmup")).workerId("growth-bench").build()
                .ingestFile(ref, source, Deadline.none());
        expect(report, rows, "warm-up");
        AppendBench.drop(ds);
        Files.delete(warm);
    }

    FeedRegistry feeds(String feed) {
        return FeedRegistry.parse("""
                version: 1
                feeds:
                  - name: %s
                    bucket: file
                    key_pattern: "orders/**"
                    format: { type: csv }
                    mapping:
                      event_type: OrderPlaced
                      stream_id: "customer-{customer}"
                      occurred_at: { column: ordered_at, formats: ["iso"] }
                      id: { strategy: column, column: order_id }
                      payload: { include: all, fields: { amount: { type: decimal } } }
                    table: %s
                    batch_size: %d
                    lanes: %d
                    lanes_from_bytes: 0
                """.formatted(feed, TABLE, Integer.getInteger("bench.batch", Feed.DEFAULT_BATCH_SIZE), lanes), "growth-bench.yaml");
    }

    /** The file through Inlet under {@code feed} (new ids) and an object version of its own. */
    Pass inlet(DataSource ds, Path file, long step, long held, String variant, String feed, long[] perCustomer,
               GrowthStreams streams) throws SQLException, IOException {
        ObjectRef base = source.refFor(LocalFileSource.BUCKET, file);
        ObjectRef ref = new ObjectRef(base.bucket(), base.key(), feed, base.etag(), base.size());
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(feeds(feed)).workerId("growth-bench").build();
        AppendBench.checkpoint(ds);
        ServerCounters before = ServerCounters.read(ds, TABLE);
        long t0 = System.nanoTime();
        FileReport report = inlet.ingestFile(ref, source, Deadline.none());
        double s = (System.nanoTime() - t0) / 1e9;
        long rows = expect(report, -1, variant + " at " + step);
        for (int k = 0; k < perCustomer.length; k++) streams.advance(k, perCustomer[k]);
        return measured(ds, new Pass(step, variant, held, rows, s), before);
    }

    /** COPY of the file's rows, rendered beforehand (not timed) with the versions that continue each stream. */
    Pass copy(DataSource ds, Path file, long step, long held, String variant, String feed, long[] perCustomer,
              GrowthStreams streams) throws SQLException, IOException {
        Path text = Files.createTempFile(dir, "growth", ".copy");
        long rows = 0;
        OrderEventRow.Renderer renderer = new OrderEventRow.Renderer(feed, "file://orders/orders.csv");
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser parser = IngestBench.CSV.parse(in);
             BufferedWriter w = Files.newBufferedWriter(text, StandardCharsets.UTF_8)) {
            for (CSVRecord r : parser) {
                OrderEventRow e = renderer.render(r, ++rows);
                CopyText row = new CopyText(256 + e.payloadJson().length());
                row.column(e.eventId().toString()).column(e.streamId())
                        .column(streams.head(streams.number(e.streamId())) + e.streamVersion()).column(e.eventType())
                        .column(e.occurredAt().toString()).column(e.source()).column(e.payloadJson()).endRow();
                w.write(new String(row.utf8(), StandardCharsets.UTF_8));
            }
        }
        AppendBench.checkpoint(ds);
        ServerCounters before = ServerCounters.read(ds, TABLE);
        double s;
        try (Connection c = ds.getConnection(); InputStream in = Files.newInputStream(text)) {
            long t0 = System.nanoTime();
            long n = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + TABLE
                    + " (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) FROM STDIN", in, 1 << 16);
            s = (System.nanoTime() - t0) / 1e9;
            if (n != rows) throw new IllegalStateException("COPY stored " + n + " rows, expected " + rows);
        }
        Files.delete(text);
        for (int k = 0; k < perCustomer.length; k++) streams.advance(k, perCustomer[k]);
        return measured(ds, new Pass(step, variant, held, rows, s), before);
    }

    private static Pass measured(DataSource ds, Pass p, ServerCounters before) throws SQLException {
        try {
            Thread.sleep(1_200); // backends report their statistics at most once a second
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ServerCounters d = ServerCounters.read(ds, TABLE).minus(before);
        System.out.printf(Locale.ROOT, "%-8s table %10d + %d rows: %7.2f s, %7.0f rows/s%n", p.variant(), p.tableRowsBefore(),
                p.rows(), p.seconds(), p.rowsPerSecond());
        System.out.print(d.describe(p.rows()));
        return p;
    }

    private long expect(FileReport report, long rows, String what) {
        long want = rows < 0 ? report.counts().read() : rows;
        if (report.outcome() != FileOutcome.COMPLETED || report.counts().appended() != want || report.counts().duplicate() != 0
                || want == 0) {
            throw new IllegalStateException(what + ": " + report.outcome() + " " + report.counts() + ", expected COMPLETED with "
                    + "every record appended; first error: " + report.firstError());
        }
        return want;
    }

    /** How many rows of the file each customer (stream number) has. */
    static long[] perCustomer(Path file, int customers) throws IOException {
        long[] counts = new long[customers];
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser parser = IngestBench.CSV.parse(in)) {
            for (CSVRecord r : parser) counts[Integer.parseInt(r.get("customer").substring("cust-".length()))]++;
        }
        return counts;
    }

    /**
     * Server settings for the whole run, {@code name=value,name=value} (e.g. max_wal_size=16GB): ALTER SYSTEM on the
     * benchmark's own server, then a reload. For settings a reload applies (checkpoint and WAL sizing).
     */
    static void applyServerSettings(DataSource ds, String spec) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String pair : spec.split("\\s*,\\s*")) {
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq).trim(), value = pair.substring(eq + 1).trim();
                if (!name.matches("[a-z_]+") || !value.matches("[A-Za-z0-9.]+")) {
                    throw new IllegalArgumentException("bench.serverSettings: not name=value: " + pair);
                }
                st.execute("ALTER SYSTEM SET " + name + " = '" + value + "'");
            }
            st.execute("SELECT pg_reload_conf()");
        }
        try {
            Thread.sleep(1_000); // the postmaster and its children read the file on SIGHUP
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Undoes {@link #applyServerSettings} for the settings {@code spec} names. */
    static void resetServerSettings(DataSource ds, String spec) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String pair : spec.split("\\s*,\\s*")) st.execute("ALTER SYSTEM RESET " + pair.substring(0, pair.indexOf('=')).trim());
            st.execute("SELECT pg_reload_conf()");
        }
    }

    static String settings(DataSource ds) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers',"
                     + " 'effective_cache_size', 'work_mem', 'maintenance_work_mem', 'max_wal_size', 'checkpoint_timeout',"
                     + " 'wal_compression', 'full_page_writes', 'fsync', 'synchronous_commit', 'autovacuum', 'wal_level',"
                     + " 'data_directory') ORDER BY name")) {
            while (rs.next()) {
                String name = rs.getString(1), value = rs.getString(2), unit = rs.getString(3);
                if ("8kB".equals(unit)) value = Long.parseLong(value) * 8 / 1024 + " MB";
                else if ("kB".equals(unit)) value = Long.parseLong(value) / 1024 + " MB";
                else if (unit != null) value = value + " " + unit;
                out.append(name).append('=').append(value).append("; ");
            }
        }
        return out.toString();
    }

    /** Heap and index sizes of the event table, and the indexes' total against shared_buffers. */
    static String sizes(DataSource ds) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 'heap', pg_relation_size('" + TABLE + "') UNION ALL"
                     + " SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index"
                     + " WHERE indrelid = '" + TABLE + "'::regclass UNION ALL"
                     + " SELECT 'shared_buffers', setting::bigint * 8192 FROM pg_settings WHERE name = 'shared_buffers'")) {
            out.append("  sizes:");
            long indexes = 0;
            while (rs.next()) {
                String name = rs.getString(1);
                long bytes = rs.getLong(2);
                if (!name.equals("heap") && !name.equals("shared_buffers")) indexes += bytes;
                out.append(String.format(Locale.ROOT, " %s %.0f MB;", name, bytes / 1e6));
            }
            out.append(String.format(Locale.ROOT, " all indexes %.0f MB%n", indexes / 1e6));
        }
        return out.toString();
    }

    /** Throws unless the table holds {@code rows} events and every stream's versions are 1..n. */
    static void verify(DataSource ds, long rows) throws SQLException {
        long count = AppendBench.scalar(ds, "SELECT count(*) FROM " + TABLE);
        long gapped = AppendBench.scalar(ds, "SELECT count(*) FROM (SELECT stream_id FROM " + TABLE
                + " GROUP BY stream_id HAVING max(stream_version) <> count(*) OR min(stream_version) <> 1) g");
        if (count != rows || gapped != 0) {
            throw new IllegalStateException("stored " + count + " events (expected " + rows + "), " + gapped
                    + " streams whose versions are not 1..n");
        }
        System.out.printf(Locale.ROOT, "%nverified: %d events, every stream's versions 1..n%n", count);
    }

    /** Rows per second of each pass; Inlet's (a and b together) per step, against COPY and the first grown step. */
    static String table(List<Pass> passes, long[] steps) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-12s %-8s %12s %9s %9s %10s%n", "step", "variant", "table before", "rows",
                "seconds", "rows/s"));
        for (Pass p : passes) {
            out.append(String.format(Locale.ROOT, "%-12d %-8s %12d %9d %9.2f %10.0f%n", p.step(), p.variant(),
                    p.tableRowsBefore(), p.rows(), p.seconds(), p.rowsPerSecond()));
        }
        long first = steps.length > 1 ? steps[1] : steps[0];
        double base = inletRate(passes, first);
        out.append(String.format(Locale.ROOT, "%n%-12s %12s %10s %10s %12s %14s %12s%n", "step", "Inlet rows/s", "COPY rows/s",
                "Inlet/COPY", "Inlet/" + first, "c/(a+b) walc", "d/(a+b) fix"));
        for (long step : steps) {
            double inlet = inletRate(passes, step);
            double copy = passes.stream().filter(p -> p.step() == step && p.variant().equals("COPY")).findFirst()
                    .map(Pass::rowsPerSecond).orElse(Double.NaN);
            double c = passes.stream().filter(p -> p.step() == step && p.variant().equals("Inlet c")).findFirst()
                    .map(Pass::rowsPerSecond).orElse(Double.NaN);
            double d = passes.stream().filter(p -> p.step() == step && p.variant().equals("Inlet d")).findFirst()
                    .map(Pass::rowsPerSecond).orElse(Double.NaN);
            out.append(String.format(Locale.ROOT, "%-12d %12.0f %10.0f %10.2f %12.2f %14.2f %12.2f%n", step, inlet, copy,
                    inlet / copy, inlet / base, c / inlet, d / inlet));
        }
        long last = steps[steps.length - 1];
        double ratio = inletRate(passes, last) / base;
        out.append(String.format(Locale.ROOT, "Inlet at %d / at %d: %.2f (target >= 0.8: %s)%n", last, first, ratio,
                ratio >= 0.8 ? "met" : "NOT met"));
        return out.toString();
    }

    /** Inlet's rows per second at a step: total rows over total seconds of its passes. */
    private static double inletRate(List<Pass> passes, long step) {
        double rows = 0, seconds = 0;
        for (Pass p : passes) {
            if (p.step() == step && (p.variant().equals("Inlet a") || p.variant().equals("Inlet b"))) {
                rows += p.rows();
                seconds += p.seconds();
            }
        }
        return rows / seconds;
    }
}
