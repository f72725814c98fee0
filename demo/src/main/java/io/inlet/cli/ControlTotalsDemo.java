package io.inlet.cli;

import io.inlet.Inlet;
import io.inlet.db.Migrations;
import io.inlet.failure.Deadline;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileReport;
import io.inlet.source.LocalFileSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The demo's control-totals and receipts piece (issue 17.1, 17.4): a vendor file whose trailer
 * says one record more than it holds is rejected with both values and loads nothing; a good one
 * loads without its trailer; each gets a receipt next to it, under {@code receipts/}.
 */
final class ControlTotalsDemo {

    static final String FEEDS = """
            version: 1
            feeds:
              - name: demo-totals
                bucket: vendor-drop
                key_pattern: "totals/**"
                format: { type: csv }
                control_totals:
                  trailer: { pattern: '^TRL,(?<n>\\d+),(?<sum>-?[0-9.]+)$', count: n, sums: { amount: sum } }
                receipts: { prefix: receipts/ }
                mapping:
                  event_type: PaymentReceived
                  stream_id: "payer-{payer}"
                  occurred_at: { column: at, formats: ["iso"] }
                  id: { strategy: column, column: payment_id }
                  payload: { include: all, fields: { amount: { type: decimal } } }
                table: demo_payment_events
                derived: [ { events: summary, destination: vendor-ops } ]
            """;

    private ControlTotalsDemo() {
    }

    /** Runs the piece in {@code dir}/control-totals over {@code ds}; prints its lines under {@code step}. */
    static void show(PrintStream out, DataSource ds, Path dir, String step) throws IOException {
        Path root = Files.createDirectories(dir.resolve("control-totals"));
        FeedRegistry feeds = FeedRegistry.parse(FEEDS, "control-totals demo feeds");
        Migrations.apply(ds, feeds.eventTables());
        Inlet inlet = Inlet.builder().dataSource(ds).feeds(feeds).workerId("demo-totals").build();
        String head = "payment_id,payer,amount,at\n";
        String good = head + "P-1,acme,100.00,2026-11-20T10:00:00Z\nP-2,acme,0.10,2026-11-20T10:00:00Z\n"
                + "P-3,globex,0.00,yesterday\nTRL,3,100.10\n";
        // the vendor's export lost a record on the way: the trailer still counts it
        String cut = head + "Q-1,acme,20.00,2026-11-20T10:00:00Z\nQ-3,globex,5.25,2026-11-20T10:00:00Z\nTRL,3,30.50\n";
        LocalFileSource source = new LocalFileSource(root);
        out.println(step + " control totals (feed demo-totals: trailer with record count and sum of amount):");
        for (var file : List.of(new String[] {"totals/2026-11-20.csv", good}, new String[] {"totals/2026-11-21.csv", cut})) {
            Path p = root.resolve(file[0]);
            Files.createDirectories(p.getParent());
            Files.writeString(p, file[1]);
            FileReport r = inlet.ingestFile(source.refFor("vendor-drop", p), source, Deadline.none());
            out.println("   " + file[0] + " -> " + r.outcome() + " (" + r.counts().appended() + " appended, "
                    + r.counts().rejected() + " rejected)" + (r.firstError() == null ? "" : ": " + r.firstError()));
        }
        Path receipt = root.resolve("receipts/totals/2026-11-20.csv.receipt.csv");
        out.println("   receipts for the vendor, in its bucket under receipts/ (no raw values unless the feed allows them):");
        try (Stream<Path> s = Files.walk(root.resolve("receipts"))) {
            s.filter(Files::isRegularFile).sorted().forEach(f -> out.println("     " + root.relativize(f)));
        }
        try (Stream<String> lines = Files.lines(receipt)) {
            lines.forEach(l -> out.println("     | " + l));
        }
    }
}
