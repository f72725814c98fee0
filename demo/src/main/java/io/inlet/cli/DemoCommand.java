package io.inlet.cli;

import io.inlet.Inlet;
import io.inlet.db.Migrations;
import io.inlet.feed.FeedRegistry;
import io.inlet.failure.Deadline;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.InboundMessage;
import io.inlet.ingest.MessageOutcome;
import io.inlet.outbox.RelayReport;
import io.inlet.source.LocalFileSource;
import io.inlet.verify.InvariantChecks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, subcommands = {DemoAwsCommand.class, DemoGcpCommand.class},
        description = {"The main job end to end on the bundled vendor samples: migrate, ingest, relay, verify.",
                "Shows idempotency (a redelivered file and message append nothing). A temporary work directory is removed at the end."})
final class DemoCommand extends CliCommand {

    @Option(names = "--outbox-file", paramLabel = "FILE", description = "Where relayed messages go (default: <workdir>/outbox.jsonl).")
    Path outboxFile;

    @Option(names = "--workdir", paramLabel = "DIR", description = "Where the samples are unpacked (default: a new temporary directory).")
    Path workdir;

    @Override
    int run(CliContext ctx) throws Exception {
        Path dir = workdir != null ? Files.createDirectories(workdir) : Files.createTempDirectory("inlet-demo");
        try {
            return run(ctx, dir);
        } finally {
            if (workdir == null) deleteTree(dir);
        }
    }

    /** Removes the demo's own temporary directory (never a --workdir the user gave). */
    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private int run(CliContext ctx, Path dir) throws Exception {
        PrintStream out = ctx.out;
        BundledSamples.extractTo(dir);
        FeedRegistry feeds = FeedRegistry.load(dir.resolve("feeds.yaml"));
        ctx.useFeeds(feeds);
        out.println("1. feeds: " + feeds.feeds().size() + " file feeds, " + feeds.messageFeeds().size()
                + " message feed(s) from " + dir.resolve("feeds.yaml"));

        int applied = Migrations.apply(ctx.dataSource(), feeds.eventTables());
        out.println("2. database: " + (ctx.isEmbedded() ? "embedded PostgreSQL in " + ctx.dataDir() : "INLET_DATABASE_URL")
                + "; " + applied + " migration(s) applied; event tables " + feeds.eventTables());

        Inlet inlet = ctx.inlet();
        LocalFileSource source = new LocalFileSource(dir.resolve("files"));
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir.resolve("files"))) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> feeds.matchObject("vendor-drop", dir.resolve("files").relativize(p).toString()).isPresent())
                    .sorted().toList();
        }
        List<FileReport> reports = new ArrayList<>();
        for (Path f : files) reports.add(inlet.ingestFile(source.refFor("vendor-drop", f), source, Deadline.none()));
        out.println("3. ingested " + files.size() + " vendor files from " + dir.resolve("files") + ":");
        Reports.files(out, reports);

        FileReport again = inlet.ingestFile(source.refFor("vendor-drop", files.get(0)), source, Deadline.none());
        out.println("4. the same notification again: " + again.object().key() + " -> " + again.outcome()
                + " (nothing appended)");

        InboundMessage message = new InboundMessage("demo-msg-1", "billing",
                "{\"id\":\"inv-1001\",\"type\":\"InvoiceIssued\",\"account_id\":\"A-7\",\"at\":\"2026-11-20T10:00:00Z\",\"total\":129.90}",
                Map.of());
        MessageOutcome m1 = inlet.ingestMessage(message);
        MessageOutcome m2 = inlet.ingestMessage(message);
        out.println("5. a billing message, delivered twice: " + m1.status() + " (" + m1.counts().appended()
                + " appended), then " + m2.status());
        ControlTotalsDemo.show(out, ctx.dataSource(), dir, "5b.");

        Path outFile = outboxFile != null ? outboxFile : dir.resolve("outbox.jsonl");
        ByteArrayOutputStream firstLines = new ByteArrayOutputStream();
        RelayReport relayed;
        try (PrintStream sink = new PrintStream(Files.newOutputStream(outFile, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND), true, StandardCharsets.UTF_8)) {
            relayed = inlet.relay(new JsonLinesPublisher(sink), Deadline.none());
        }
        out.println("6. relay: " + relayed.published() + " derived events published to " + outFile + ", "
                + relayed.pending() + " pending");
        try (Stream<String> lines = Files.lines(outFile)) {
            lines.limit(2).forEach(l -> out.println("   " + (l.length() > 220 ? l.substring(0, 220) + "..." : l)));
        }
        firstLines.close();
        out.println("   " + DemoSubscription.backfill(ctx.dataSource(), dir.resolve("subscription.jsonl")));

        DemoProjection.show(ctx.dataSource(), out);
        out.println("7. verify:");
        int code = VerifyCommand.print(ctx, new InvariantChecks(ctx.dataSource(), feeds, InvariantChecks.Budgets.DEFAULTS).run());
        DemoFileSet.show(ctx, dir, out, "8.");
        out.println();
        // the advice works as printed: these commands read only the database (no feeds file needed)
        String db = ctx.databaseArgs();
        out.println("Look around" + (workdir == null ? " (the work directory " + dir + " is removed now)" : "") + ":");
        for (String next : List.of("inlet status", "inlet rejects acme/orders-malformed.csv", "inlet verify")) {
            out.println("  " + next + db);
        }
        return code;
    }
}
