package io.inlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.source.ListedObject;
import io.inlet.sweep.Finding;
import io.inlet.sweep.SweepItem;
import io.inlet.sweep.SweepLedger;
import io.inlet.sweep.SweepReport;
import io.inlet.sweep.Sweeper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Find bucket objects whose notification never came.",
                "Lists s3://bucket/prefix or gs://bucket/prefix and compares each object (the newest version) with the ledger. Findings: NEVER_SEEN (no row of the key),",
                "NOT_FINISHED (this version's row never finished), OVERWRITTEN (an older version finished, this one was",
                "never ingested). --redrive ingests them through the same path as `inlet ingest s3://...`.",
                "Exit 0: nothing missing (or all redriven); 1: objects missing (or a redriven one failed)."})
final class SweepCommand extends CliCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "URI", description = "s3://bucket/prefix or gs://bucket/prefix")
    String target;

    @Mixin
    BucketOptions bucketOptions = new BucketOptions();

    @Option(names = "--redrive", description = "Ingest the missing objects.")
    boolean redrive;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
            description = "With --redrive: objects ingested at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--json", description = "One JSON document instead of the table.")
    boolean json;

    @Override
    int run(CliContext ctx) throws Exception {
        BucketUri uri = BucketUri.parse(target);
        if (uri.version() != null) throw new CliException(ExitCodes.USAGE, "sweep takes a bucket and prefix, not one version: " + uri);
        if (parallel < 1 || parallel > 64) throw new CliException(ExitCodes.USAGE, "--parallel " + parallel + " is not in 1..64");
        var window = bucketOptions.window();
        if (redrive) ctx.feeds(); // a redrive needs the feeds; fail before listing when they are missing
        AutoMigrate.ifEmbedded(ctx);
        try (ObjectStore store = ObjectStore.open(uri.scheme(), bucketOptions.endpoint)) {
            SweepReport report = sweeper(ctx, store).sweep(uri.bucket(), uri.path(), window);
            List<BucketIngest.Result> redriven = List.of();
            if (redrive && !report.clean()) {
                List<ListedObject> missing = report.missing().stream().map(SweepItem::object).toList();
                redriven = BucketIngest.ingest(ctx, ctx.inlet(Duration.ofMinutes(15)), store, missing, parallel, null);
            }
            print(ctx, uri, report, redriven);
            if (redrive) return BucketIngest.findings(redriven) ? ExitCodes.FINDINGS : ExitCodes.OK;
            return report.clean() ? ExitCodes.OK : ExitCodes.FINDINGS;
        }
    }

    /** With a feeds file, its feeds' receipts and control sidecars are skipped (not vendor files); without one, every object is compared. */
    private static Sweeper sweeper(CliContext ctx, ObjectStore store) {
        SweepLedger ledger = new SweepLedger(ctx.dataSource());
        return ctx.feedsIfPresent().map(f -> new Sweeper(store.lister(), ledger, f)).orElseGet(() -> new Sweeper(store.lister(), ledger));
    }

    private void print(CliContext ctx, BucketUri uri, SweepReport report, List<BucketIngest.Result> redriven) throws Exception {
        Map<Finding, Long> counts = report.counts();
        if (json) {
            ObjectNode doc = JSON.createObjectNode();
            doc.put("uri", uri.toString());
            doc.put("since", report.since() == null ? null : report.since().toString());
            doc.put("until", report.until() == null ? null : report.until().toString());
            doc.put("listed", report.listed()).put("accounted", report.accounted()).put("missing", report.missing().size());
            ObjectNode c = doc.putObject("counts");
            counts.forEach((f, n) -> c.put(f.name(), n));
            ArrayNode items = doc.putArray("objects");
            for (SweepItem i : report.missing()) {
                ObjectNode n = items.addObject();
                n.put("finding", i.finding().name());
                BucketRun.object(n, i.object());
                if (i.ledgerFileId() == null) n.putNull("ledgerFileId");
                else n.put("ledgerFileId", i.ledgerFileId());
            }
            if (redrive) {
                ArrayNode r = doc.putArray("redriven");
                for (BucketIngest.Result res : redriven) {
                    ObjectNode n = r.addObject();
                    BucketRun.object(n, res.object());
                    if (res instanceof BucketIngest.Result.Ingested in) {
                        n.put("outcome", in.report().outcome().name()).put("appended", in.report().counts().appended());
                    } else if (res instanceof BucketIngest.Result.Skipped s) {
                        n.put("outcome", "SKIPPED").put("reason", s.reason());
                    } else if (res instanceof BucketIngest.Result.Failed f) {
                        n.put("outcome", "FAILED").put("reason", f.reason());
                    }
                }
            }
            ctx.out.println(JSON.writeValueAsString(doc));
            return;
        }
        if (!report.missing().isEmpty()) {
            int w = Math.max(6, report.missing().stream().mapToInt(i -> TerminalText.escape(i.object().ref().key()).length()).max().orElse(6));
            String fmt = "%-13s %-" + w + "s %-20s %-24s %s%n";
            ctx.out.printf(fmt, "FINDING", "OBJECT", "VERSION", "LAST MODIFIED", "LEDGER ROW");
            for (SweepItem i : report.missing()) {
                var ref = i.object().ref();
                ctx.out.printf(fmt, i.finding(), TerminalText.escape(ref.key()), ref.version() == null ? "-" : TerminalText.escape(ref.version()),
                        i.object().lastModified(), i.ledgerFileId() == null ? "-" : "#" + i.ledgerFileId());
            }
        }
        ctx.out.printf("swept %s: %d object(s) listed%s, %d accounted for, %d missing (never seen %d, not finished %d, overwritten %d)%n",
                TerminalText.escape(uri.toString()), report.listed(), window(report), report.accounted(), report.missing().size(),
                counts.get(Finding.NEVER_SEEN), counts.get(Finding.NOT_FINISHED), counts.get(Finding.OVERWRITTEN));
        if (redrive && !redriven.isEmpty()) {
            ctx.out.println("redrive:");
            Reports.files(ctx.out, redriven.stream().filter(r -> r instanceof BucketIngest.Result.Ingested)
                    .map(r -> ((BucketIngest.Result.Ingested) r).report()).toList());
            for (BucketIngest.Result r : redriven) {
                if (r instanceof BucketIngest.Result.Skipped s) {
                    ctx.out.println("skipped: " + TerminalText.escape(s.object().ref().key()) + ": " + TerminalText.escape(s.reason()));
                } else if (r instanceof BucketIngest.Result.Failed f) {
                    ctx.out.println("failed: " + TerminalText.escape(f.object().ref().displayName()) + ": " + TerminalText.escape(f.reason()));
                }
            }
        } else if (!report.clean()) {
            ctx.out.println("the same command with --redrive ingests them");
        }
    }

    private static String window(SweepReport r) {
        if (r.since() == null && r.until() == null) return "";
        java.time.temporal.ChronoUnit s = java.time.temporal.ChronoUnit.SECONDS;
        return " (last modified " + (r.since() == null ? "" : "from " + r.since().truncatedTo(s))
                + (r.since() != null && r.until() != null ? " " : "") + (r.until() == null ? "" : "before " + r.until().truncatedTo(s)) + ")";
    }
}
