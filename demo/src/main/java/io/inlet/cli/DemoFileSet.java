package io.inlet.cli;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileReport;
import io.inlet.source.LocalFileSource;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The demo's gated file set (issue 17.2): two parts of a vendor drop arrive and are held, nothing
 * visible; the {@code _SUCCESS} marker arrives and both load in one transaction. Its own small feed,
 * into the default {@code events} table, so the bundled samples stay as they are.
 */
final class DemoFileSet {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: demo-drops
                bucket: vendor-drop
                key_pattern: "drops/**"
                format: { type: csv }
                mapping:
                  event_type: StockCounted
                  stream_id: "demo-sku-{sku}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: count_id }
                table: events
                set: { marker: _SUCCESS, timeout: 6h }
            """;

    private DemoFileSet() {
    }

    /** Runs the piece in {@code dir} and prints what happened, as step {@code step}. */
    static void show(CliContext ctx, Path dir, PrintStream out, String step) throws Exception {
        Path root = Files.createDirectories(dir.resolve("file-set"));
        Path drop = Files.createDirectories(root.resolve("drops/2026-12-06"));
        DataSource ds = ctx.dataSource();
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(FeedRegistry.parse(FEEDS, "demo-file-set.yaml"))
                .workerId("demo-file-set").build();
        LocalFileSource source = new LocalFileSource(root);
        out.println(step + " a gated file set (set: {marker: _SUCCESS}) under drops/2026-12-06/:");
        for (String part : new String[] {"part-1.csv", "part-2.csv"}) {
            Path f = Files.writeString(drop.resolve(part), "count_id,sku,qty,at\n" + part.charAt(5) + "-1,A-" + part.charAt(5)
                    + ",7,2026-12-06T05:00:00Z\n" + part.charAt(5) + "-2,B-" + part.charAt(5) + ",3,2026-12-06T05:00:00Z\n");
            FileReport r = inlet.ingestFile(source.refFor("vendor-drop", f), source, Deadline.none());
            out.println("   " + r.object().key() + " -> " + r.outcome() + " (" + r.firstError() + "); visible events: "
                    + visible(ds));
        }
        Path marker = Files.writeString(drop.resolve("_SUCCESS"), "");
        FileReport r = inlet.ingestFile(source.refFor("vendor-drop", marker), source, Deadline.none());
        out.println("   " + r.object().key() + " -> " + r.outcome() + " (" + r.firstError() + "); visible events: "
                + visible(ds));
    }

    private static long visible(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM events WHERE stream_id LIKE 'demo-sku-%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
