package io.inlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.DryRun;
import io.inlet.ingest.NoFeedException;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inlet validate FILE [--feeds new.yaml] [--limit N] [--json]}: a dry run. Reads the file with
 * the feed's reader and mapper and compares every event with what is stored, in a read-only
 * transaction (PostgreSQL refuses any write in it), so it writes nothing.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Dry run: what ingesting FILE would do against what is stored, writing nothing: records appended, duplicates, "
                + "conflicts (with the differing fields), rejects with reasons, the first N mapped events.",
                "Try a changed feeds file with --feeds new.yaml. Exit 0 clean, 1 when there are rejects or conflicts or the file would be rejected."})
final class ValidateCommand extends CliCommand {

    @Parameters(paramLabel = "FILE", description = "A local file, or one bucket object: s3://B/KEY[?versionId=V], gs://B/KEY[#GENERATION] "
            + "(read through the functions' own ObjectSource, with the identity its notification carries).")
    String file;

    @Option(names = "--root", paramLabel = "DIR", description = "Directory keys are relative to (default: current directory).")
    Path root;

    @Option(names = "--bucket", description = "Bucket the file stands for (default: the feeds' bucket, when they name only one).")
    String bucket;

    @Option(names = {"-n", "--limit"}, defaultValue = "5", description = "Mapped events, conflicts and rejects to show (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "One JSON document instead of the lines.")
    boolean json;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Bucket objects: storage endpoint for an emulator or S3-compatible store (default: INLET_S3_ENDPOINT / "
                    + "STORAGE_EMULATOR_HOST, else the cloud's).")
    String endpoint;

    @Override
    int run(CliContext ctx) throws Exception {
        if (limit < 0) throw new CliException(ExitCodes.USAGE, "--limit must be 0 or more (was " + limit + ")");
        FeedRegistry feeds = ctx.feeds();
        if (BucketUri.isBucket(file)) {
            if (root != null || bucket != null) throw new CliException(ExitCodes.USAGE, "--root and --bucket are for local files");
            BucketUri uri = BucketUri.parse(file);
            try (ObjectStore store = ObjectStore.open(uri.scheme(), endpoint)) {
                // one object: that version, else the newest under exactly this key (never a whole prefix)
                var object = store.lister().stat(uri.bucket(), uri.path(), uri.version())
                        .orElseThrow(() -> new CliException(ExitCodes.USAGE, "no such object: " + uri));
                return validate(ctx, feeds, object.ref(), store.source());
            }
        }
        if (endpoint != null) throw new CliException(ExitCodes.USAGE, "--endpoint is for s3:// and gs:// objects");
        Path base = (root == null ? Path.of("") : root).toAbsolutePath().normalize();
        Path path = base.resolve(file).normalize();
        if (!Files.isRegularFile(path)) throw new CliException(ExitCodes.USAGE, "no file " + file + " (under " + base + ")");
        LocalFileSource local = new LocalFileSource(base);
        ObjectRef ref = local.refFor(bucket(feeds), path);
        return validate(ctx, feeds, ref, local);
    }

    /** The seam for other sources: any {@link ObjectSource} and the object's reference. */
    int validate(CliContext ctx, FeedRegistry feeds, ObjectRef ref, ObjectSource source) throws Exception {
        AutoMigrate.ifEmbedded(ctx);
        DryRun.Report report;
        try (Connection c = ctx.dataSource().getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            try (var s = c.createStatement()) {
                s.execute("SET TRANSACTION READ ONLY");
            }
            try {
                report = new DryRun(feeds).run(c, ref, source, limit);
            } catch (NoFeedException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage() + " (see `inlet feeds explain " + ref.key() + "`)");
            } finally {
                c.rollback();
            }
        }
        boolean findings = report.fileWouldBeRejected() || !report.rejects().isEmpty() || !report.conflicts().isEmpty();
        if (json) {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode doc = m.valueToTree(report);
            doc.set("firstEvents", m.createArrayNode());
            for (String e : report.firstEvents()) ((com.fasterxml.jackson.databind.node.ArrayNode) doc.get("firstEvents")).add(m.readTree(e));
            ctx.out.println(m.writeValueAsString(doc));
        } else {
            print(ctx, report);
        }
        return findings ? ExitCodes.FINDINGS : ExitCodes.OK;
    }

    private void print(CliContext ctx, DryRun.Report r) {
        ctx.out.printf("%s (feed %s -> %s): dry run, nothing written%n", TerminalText.escape(r.object().displayName()), r.feed(), r.table());
        if (r.ledger() != null) {
            ctx.out.printf("  ledger: this version is %s (#%d)%s%n", r.ledger(), r.ledgerFileId(),
                    r.ledger().equals("COMPLETED") ? ": `inlet ingest` would append nothing (ALREADY_COMPLETED); below, what its records are against the store" : "");
        }
        if (r.unreadable() != null) ctx.out.println("  unreadable: " + TerminalText.escape(r.unreadable()) + " -> the file would be REJECTED");
        r.totals().forEach(t -> ctx.out.printf("  control total %s: %s%n", t.matched() ? "matches" : "DOES NOT MATCH",
                TerminalText.escape(t.describe())));
        if (r.totalsProblem() != null) ctx.out.println("  " + TerminalText.escape(r.totalsProblem()) + " -> the file would not load");
        ctx.out.printf("  %d record(s): %d would be appended, %d duplicate(s), %d conflict(s), %d reject(s)%s%n", r.records(),
                r.wouldAppend(), r.duplicates(), r.conflicts().size(), r.rejects().size(),
                r.fileWouldBeRejected() && r.unreadable() == null ? "; the feed's error policy would reject the whole file" : "");
        r.conflicts().stream().limit(limit).forEach(c -> ctx.out.printf("  conflict record %d line %d: event %s is stored with other %s%n",
                c.record(), c.line(), c.eventId(), c.fields().stream().map(TerminalText::escape).collect(Collectors.joining(", "))));
        r.rejects().stream().limit(limit).forEach(x -> ctx.out.printf("  reject record %d line %d%s: %s%n", x.record(), x.line(),
                x.field() == null ? "" : " field " + TerminalText.escape(x.field()), TerminalText.escape(x.reason())));
        r.firstEvents().forEach(e -> ctx.out.println("  event " + TerminalText.escape(e)));
    }

    private String bucket(FeedRegistry feeds) {
        if (bucket != null) return bucket;
        Set<String> buckets = feeds.feeds().stream().map(f -> f.match().bucket()).collect(Collectors.toCollection(TreeSet::new));
        if (buckets.size() == 1) return buckets.iterator().next();
        throw new CliException(ExitCodes.USAGE, "the feeds name buckets " + buckets + ": give --bucket");
    }

}
