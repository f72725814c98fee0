package io.inlet.bench;

import io.inlet.Inlet;
import io.inlet.event.EventMapper;
import io.inlet.event.RecordContext;
import io.inlet.event.RecordRejectedException;
import io.inlet.feed.Feed;
import io.inlet.feed.FeedRegistry;
import io.inlet.failure.Deadline;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.parse.RawRecord;
import io.inlet.parse.ReadItem;
import io.inlet.parse.RecordReader;
import io.inlet.parse.RecordReaders;
import io.inlet.parse.ResumePoint;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.postgresql.PGConnection;

/**
 * End to end: a generated orders CSV loaded into an {@code order_events} table (same indexes every
 * time, one fresh database per variant, one embedded server, one JVM) by (a) COPY of the rows already
 * rendered as event rows, the physical limit; (b) {@link Inlet#ingestFile} through
 * {@link LocalFileSource} with the feed's default batch size, with an outbox route and without
 * derived events; (c) the usual hand-written loader (Commons CSV, JDBC batch of INSERT ... ON
 * CONFLICT DO NOTHING); (d) the same file again: the ledger short-circuit and a forced reprocess
 * (same bytes under a new object version) where every record is a duplicate.
 *
 * <p>Every load is verified: exactly {@code rows} events, and the same checksum over (event id,
 * stream, version, type, business time, payload) as the COPY load.
 *
 * <p>Settings (system properties): bench.rows (1000000), bench.warmupRows (20000), bench.batch (the
 * feed's batch size, default {@link Feed#DEFAULT_BATCH_SIZE}), bench.dir (a
 * temporary directory; the file is deleted at the end unless bench.keepFile=true), bench.core (true: only
 * the COPY baseline and the Inlet loads), bench.statements (true: print each load's statements from
 * pg_stat_statements when the server preloads it, see {@link ProfiledServer}).
 */
public final class IngestBench {

    static final String TABLE = "order_events";
    static final String FEED = "orders";
    static final String ONE_LANE_OUTBOX = "(b1) one lane, outbox row per event";

    /** Lanes of the Inlet variants: {@code bench.lanes}, else 2 (a feed opts in with {@code lanes: 2}). */
    static int lanes() {
        return Integer.getInteger("bench.lanes", 2);
    }

    /** The feed the Inlet variants run; {@code derived} is the only difference between the two. */
    static FeedRegistry feeds(boolean outbox) {
        return feeds(outbox, lanes());
    }

    static FeedRegistry feeds(boolean outbox, int lanes) {
        return FeedRegistry.parse("""
                version: 1
                feeds:
                  - name: orders
                    bucket: file
                    key_pattern: "orders/**"
                    format: { type: csv }
                    mapping:
                      event_type: OrderPlaced
                      stream_id: "customer-{customer}"
                      occurred_at: { column: ordered_at, formats: ["iso"] }
                      id: { strategy: column, column: order_id }
                      payload: { include: all, fields: { amount: { type: decimal } } }
                    table: order_events
                    batch_size: %d
                    lanes: %d
                    lanes_from_bytes: 0
                """.formatted(Integer.getInteger("bench.batch", Feed.DEFAULT_BATCH_SIZE), lanes) + (outbox ? "    derived: [ { events: appended, destination: orders } ]\n" : ""),
                outbox ? "ingest-bench-outbox.yaml" : "ingest-bench.yaml");
    }

    /** One measured load. */
    record Result(String variant, long rows, long appended, double seconds, String detail) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    /** What a variant stored, for verification. */
    record Stored(long events, long outbox, String checksum) {
    }

    private final Path dir;
    private final LocalFileSource source;

    IngestBench(Path dir) {
        this.dir = dir;
        this.source = new LocalFileSource(dir);
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("bench.rows", 1_000_000L);
        long warmupRows = Long.getLong("bench.warmupRows", 20_000L);
        String dirSetting = System.getProperty("bench.dir");
        Path dir = dirSetting == null ? Files.createTempDirectory("inlet-ingest-bench") : Path.of(dirSetting);
        long start = System.nanoTime();
        System.out.printf(Locale.ROOT, "ingest bench: %d rows (warm-up %d rows), files in %s%n", rows, warmupRows, dir);
        System.out.println("server: PostgreSQL " + AppendBench.serverVersion() + "; JVM " + System.getProperty("java.version")
                + " (max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB); cpus "
                + Runtime.getRuntime().availableProcessors());
        IngestBench bench = new IngestBench(dir);
        if (warmupRows > 0) {
            Path warm = bench.generate("orders/warmup.csv", warmupRows);
            bench.runAll(warm, warmupRows, true);
            Files.delete(warm);
        }
        Path file = bench.generate("orders/orders.csv", rows);
        List<Result> results = bench.runAll(file, rows, false);
        System.out.println();
        System.out.print(table(results));
        if (!Boolean.getBoolean("bench.keepFile")) Files.delete(file);
        System.out.printf(Locale.ROOT, "total wall time %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    Path generate(String key, long rows) throws IOException {
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        long t0 = System.nanoTime();
        long size = new OrdersCsv(rows, (int) Math.max(10, rows / 8), 40, 42L).write(file);
        System.out.printf(Locale.ROOT, "generated %s: %d rows, %.1f MB in %.1f s%n", key, rows, size / 1e6,
                (System.nanoTime() - t0) / 1e9);
        return file;
    }

    /** Runs every variant over the file; a warm-up run only prints one line per variant. */
    List<Result> runAll(Path file, long rows, boolean warmup) throws Exception {
        List<Result> results = new ArrayList<>();
        ObjectRef ref = source.refFor(LocalFileSource.BUCKET, file);

        DataSource ds = TestDatabase.fresh(TABLE);
        Path copyText = renderCopyText(file, ref);
        results.add(copy(ds, copyText, rows));
        Files.delete(copyText);
        String reference = verify(ds, rows, -1, null, "COPY").checksum();
        StatementProfile.print(ds, "(a) COPY", rows);
        AppendBench.drop(ds);

        results.add(readAndMap(ref, rows));

        if (lanes() > 1) {
            ds = TestDatabase.fresh(TABLE);
            results.add(inlet(ds, ref, rows, false, 1, "(b') one lane, no derived events"));
            verify(ds, rows, 0, reference, "Inlet without outbox, one lane");
            StatementProfile.print(ds, "(b') one lane, no derived events", rows);
            AppendBench.drop(ds);

            ds = TestDatabase.fresh(TABLE);
            results.add(inlet(ds, ref, rows, true, 1, ONE_LANE_OUTBOX));
            verify(ds, rows, rows, reference, "Inlet with outbox, one lane");
            StatementProfile.print(ds, ONE_LANE_OUTBOX, rows);
            AppendBench.drop(ds);
        }

        ds = TestDatabase.fresh(TABLE);
        results.add(inlet(ds, ref, rows, false, "(b) Inlet, no derived events"));
        verify(ds, rows, 0, reference, "Inlet without outbox");
        StatementProfile.print(ds, "(b) Inlet, no derived events", rows);
        AppendBench.drop(ds);

        ds = TestDatabase.fresh(TABLE);
        results.add(inlet(ds, ref, rows, true, "(b) Inlet, outbox row per event"));
        verify(ds, rows, rows, reference, "Inlet with outbox");
        StatementProfile.print(ds, "(b) Inlet, outbox row per event", rows);
        boolean core = Boolean.getBoolean("bench.core"); // only the COPY baseline and the Inlet loads
        if (!core) {
            results.addAll(again(ds, ref, rows));
            verify(ds, rows, rows, reference, "Inlet after the second passes");
        }
        AppendBench.drop(ds);

        if (!core) {
            ds = TestDatabase.fresh(TABLE);
            results.add(jdbcBatch(ds, file, ref, rows));
            verify(ds, rows, 0, reference, "JDBC batch");
            AppendBench.drop(ds);
        }

        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%s %-34s %9d rows %8.2f s %9.0f rows/s  %s%n", warmup ? "warm-up" : "measured",
                    r.variant(), r.rows(), r.seconds(), r.rowsPerSecond(), r.detail());
        }
        return results;
    }

    /** (a) The rows already rendered (not timed) as COPY text; timed: one COPY into the event table. */
    Result copy(DataSource ds, Path copyText, long rows) throws SQLException, IOException {
        AppendBench.checkpoint(ds);
        try (Connection c = ds.getConnection(); InputStream in = Files.newInputStream(copyText)) {
            long t0 = System.nanoTime();
            long n = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + TABLE
                    + " (event_id, stream_id, stream_version, event_type, occurred_at, source, payload) FROM STDIN", in, 1 << 16);
            double s = (System.nanoTime() - t0) / 1e9;
            return new Result("(a) COPY, rows pre-rendered", rows, n, s, "one COPY statement");
        }
    }

    private Path renderCopyText(Path file, ObjectRef ref) throws IOException {
        Path out = Files.createTempFile(dir, "order-events", ".copy");
        OrderEventRow.Renderer renderer = new OrderEventRow.Renderer(FEED, ref.displayName());
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser parser = CSV.parse(in); BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            long n = 0;
            for (CSVRecord r : parser) {
                OrderEventRow e = renderer.render(r, ++n);
                CopyText row = new CopyText(256 + e.payloadJson().length());
                row.column(e.eventId().toString()).column(e.streamId()).column(e.streamVersion()).column(e.eventType())
                        .column(e.occurredAt().toString()).column(e.source()).column(e.payloadJson()).endRow();
                w.write(new String(row.utf8(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** Breakdown of (b): Inlet's reader and mapper over the file, no database (what the CPU side costs). */
    Result readAndMap(ObjectRef ref, long rows) throws IOException, RecordRejectedException {
        FeedRegistry registry = feeds(false);
        Feed feed = registry.feed(FEED).orElseThrow();
        EventMapper mapper = registry.mapper(FEED);
        RecordContext ctx = new RecordContext(FEED, ref, ref.displayName(), "bench", "file-1", Instant.now());
        long t0 = System.nanoTime();
        long mapped = 0;
        try (RecordReader reader = RecordReaders.open(feed.format(), ref.displayName(), from -> source.open(ref, from),
                ResumePoint.START)) {
            for (ReadItem item; (item = reader.next()) != null; ) {
                if (!(item instanceof RawRecord raw)) throw new IllegalStateException("malformed record: " + item);
                if (mapper.map(raw, ctx) != null) mapped++;
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (mapped != rows) throw new IllegalStateException("read and mapped " + mapped + " records, expected " + rows);
        return new Result("(b) part: read + parse + map, no DB", rows, 0, s, "RecordReaders + EventMapper only");
    }

    /** (b) Inlet end to end over the file, default batch size. */
    Result inlet(DataSource ds, ObjectRef ref, long rows, boolean outbox, String name) {
        return inlet(ds, ref, rows, outbox, lanes(), name);
    }

    Result inlet(DataSource ds, ObjectRef ref, long rows, boolean outbox, int lanes, String name) {
        FeedRegistry registry = feeds(outbox, lanes);
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(registry).workerId("ingest-bench").build();
        AppendBench.checkpointUnchecked(ds);
        long t0 = System.nanoTime();
        FileReport report = inlet.ingestFile(ref, source, Deadline.none());
        double s = (System.nanoTime() - t0) / 1e9;
        expect(report, FileOutcome.COMPLETED, rows, rows, 0, name);
        Feed feed = registry.feed(FEED).orElseThrow();
        return new Result(name, rows, report.counts().appended(), s, "batch " + feed.batchSize() + ", lanes "
                + feed.lanesFor(ref.size()));
    }

    /** (d) The ledger short-circuit (same object version, 5 times), then a forced reprocess: same bytes, new version. */
    List<Result> again(DataSource ds, ObjectRef ref, long rows) {
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(feeds(true)).workerId("ingest-bench-2").build();
        List<Double> shortCircuit = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            FileReport report = inlet.ingestFile(ref, source, Deadline.none());
            shortCircuit.add((System.nanoTime() - t0) / 1e9);
            if (report.outcome() != FileOutcome.ALREADY_COMPLETED) {
                throw new IllegalStateException("the same object version again: " + report.outcome() + ", expected ALREADY_COMPLETED");
            }
        }
        double best = shortCircuit.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        ObjectRef reprocess = new ObjectRef(ref.bucket(), ref.key(), "reprocess-1", ref.etag(), ref.size());
        AppendBench.checkpointUnchecked(ds);
        long t0 = System.nanoTime();
        FileReport report = inlet.ingestFile(reprocess, source, Deadline.none());
        double s = (System.nanoTime() - t0) / 1e9;
        expect(report, FileOutcome.COMPLETED, rows, 0, rows, "forced reprocess");
        return List.of(
                new Result("(d) same version: ledger short-circuit", rows, 0, best,
                        String.format(Locale.ROOT, "ALREADY_COMPLETED; all 5 runs (ms) %s",
                                shortCircuit.stream().map(x -> String.format(Locale.ROOT, "%.1f", x * 1000)).toList())),
                new Result("(d) new version: all duplicates", rows, report.counts().appended(), s,
                        report.counts().duplicate() + " duplicates, 0 appended"));
    }

    private static void expect(FileReport report, FileOutcome outcome, long read, long appended, long duplicate, String what) {
        if (report.outcome() != outcome || report.counts().read() != read || report.counts().appended() != appended
                || report.counts().duplicate() != duplicate) {
            throw new IllegalStateException(what + ": " + report.outcome() + " " + report.counts() + ", expected " + outcome
                    + " with " + read + " read, " + appended + " appended, " + duplicate + " duplicates; first error: "
                    + report.firstError());
        }
    }

    static final CSVFormat CSV = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();

    /** (c) The usual loader: Commons CSV, one JDBC batch of INSERT ... ON CONFLICT DO NOTHING per 5,000 rows. */
    Result jdbcBatch(DataSource ds, Path file, ObjectRef ref, long rows) throws SQLException, IOException {
        AppendBench.checkpoint(ds);
        String sql = "INSERT INTO " + TABLE + " (event_id, stream_id, stream_version, event_type, occurred_at, source, payload)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (event_id) DO NOTHING";
        int batchSize = 5_000;
        long t0 = System.nanoTime();
        long n = 0;
        try (Connection c = ds.getConnection(); Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser parser = CSV.parse(in)) {
            c.setAutoCommit(false);
            OrderEventRow.Renderer renderer = new OrderEventRow.Renderer(FEED, ref.displayName());
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (CSVRecord r : parser) {
                    OrderEventRow e = renderer.render(r, ++n);
                    ps.setObject(1, e.eventId());
                    ps.setString(2, e.streamId());
                    ps.setLong(3, e.streamVersion());
                    ps.setString(4, e.eventType());
                    ps.setTimestamp(5, Timestamp.from(e.occurredAt()));
                    ps.setString(6, e.source());
                    ps.setString(7, e.payloadJson());
                    ps.addBatch();
                    if (n % batchSize == 0) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
                ps.executeBatch();
                c.commit();
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return new Result("(c) Commons CSV + JDBC batch", rows, n, s, "batch " + batchSize + ", reWriteBatchedInserts");
    }

    /** Throws unless the table holds exactly {@code rows} events (and outbox rows) matching the reference checksum. */
    static Stored verify(DataSource ds, long rows, long outbox, String reference, String variant) throws SQLException {
        Stored stored;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), (SELECT count(*) FROM outbox), md5(string_agg(md5(event_id::text"
                     + " || '|' || stream_id || '|' || stream_version || '|' || event_type || '|' || occurred_at::text"
                     + " || '|' || payload::text), '' ORDER BY event_id)) FROM " + TABLE)) {
            // md5 of the rows' md5s: one string of all payloads would pass PostgreSQL's 1 GB limit on a 1 GB file
            rs.next();
            stored = new Stored(rs.getLong(1), rs.getLong(2), rs.getString(3));
        }
        if (stored.events() != rows || (outbox >= 0 && stored.outbox() != outbox)
                || (reference != null && !reference.equals(stored.checksum()))) {
            throw new IllegalStateException(variant + ": stored " + stored + ", expected " + rows + " events, "
                    + (outbox >= 0 ? outbox + " outbox rows, " : "") + "checksum " + reference);
        }
        return stored;
    }

    /** Rows per second of each variant, and the ratios the issue sets targets for. */
    static String table(List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-40s %9s %9s %10s  %s%n", "variant", "rows", "seconds", "rows/s", "detail"));
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, "%-40s %9d %9.3f %10.0f  %s%n", r.variant(), r.rows(), r.seconds(),
                    r.rowsPerSecond(), r.detail()));
        }
        double a = rate(results, "(a)"), c = rate(results, "(c)");
        double bOutbox = rate(results, "(b) Inlet, outbox"), bPlain = rate(results, "(b) Inlet, no derived");
        out.append(String.format(Locale.ROOT, "b/a with outbox    %.2f (target >= 0.5: %s)%n", bOutbox / a, bOutbox / a >= 0.5 ? "met" : "NOT met"));
        out.append(String.format(Locale.ROOT, "b/a without outbox %.2f (target >= 0.8: %s)%n", bPlain / a, bPlain / a >= 0.8 ? "met" : "NOT met"));
        double oneLaneOutbox = rate(results, "(b1)");
        if (!Double.isNaN(oneLaneOutbox)) {
            out.append(String.format(Locale.ROOT, "issue 18: b/a one lane + outbox %.2f (target >= 0.6: %s)%n", oneLaneOutbox / a,
                    oneLaneOutbox / a >= 0.6 ? "met" : "NOT met"));
            out.append(String.format(Locale.ROOT, "issue 18: b/a lanes %d, no outbox %.2f (target >= 0.8: %s)%n", lanes(), bPlain / a,
                    bPlain / a >= 0.8 ? "met" : "NOT met"));
        }
        out.append(String.format(Locale.ROOT, "b/c with outbox    %.2f (target >= 5: %s)%n", bOutbox / c, bOutbox / c >= 5 ? "met" : "NOT met"));
        out.append(String.format(Locale.ROOT, "b/c without outbox %.2f (target >= 5: %s)%n", bPlain / c, bPlain / c >= 5 ? "met" : "NOT met"));
        return out.toString();
    }

    private static double rate(List<Result> results, String prefix) {
        return results.stream().filter(r -> r.variant().startsWith(prefix)).findFirst().map(Result::rowsPerSecond)
                .orElse(Double.NaN);
    }
}
