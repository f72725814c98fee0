package io.inlet.cli;

import io.inlet.Inlet;
import io.inlet.feed.Feed;
import io.inlet.feed.FeedRegistry;
import io.inlet.failure.Deadline;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.NoFeedException;
import io.inlet.failure.TransientRetry;
import io.inlet.ledger.Leases;
import io.inlet.source.LocalFileSource;
import io.inlet.source.ObjectRef;
import io.inlet.source.OutsideRootException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Ingest local files, or bucket objects, through the same pipeline the functions run.",
                "Bucket objects: s3://bucket/prefix, gs://bucket/prefix; one version: s3://bucket/key?versionId=V,",
                "gs://bucket/key#GENERATION.",
                "A bucket object keeps the identity its notification carries: a replay of a file the function",
                "loaded appends nothing. A local file's identity is its path under --root and its SHA-256.",
                "Each file's key is its path relative to --root, matched against the feeds of --bucket,",
                "so a vendor folder laid out as in the bucket (acme/orders/2026-11-20.csv) finds its feed.",
                "A file whose symbolic links lead outside --root is refused, and never read."})
final class IngestCommand extends CliCommand {

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR|GLOB|URI",
            description = "Files, directories (recursively) or globs, relative to the current directory; or s3:// / gs:// addresses.")
    List<String> targets;

    @Option(names = "--root", paramLabel = "DIR", description = "Directory keys are relative to (default: current directory).")
    Path root;

    @Option(names = "--bucket", description = "Bucket the files stand for (default: the feeds' bucket, when they name only one).")
    String bucket;

    @Option(names = "--feed", paramLabel = "NAME", description = "Only ingest files of this feed; others are reported and skipped.")
    String feed;

    @Option(names = "--lease-seconds", paramLabel = "SECONDS", defaultValue = "900",
            description = "How long this run's claim on a file lasts without progress; a crashed run's files "
                    + "can be taken over after it (default: ${DEFAULT-VALUE}).")
    long leaseSeconds;

    @Option(names = "--take-over",
            description = "Take over a file another run holds when that holder is dead (its lease expired, or it is an "
                    + "`inlet` process of this host that no longer runs); audited. A live holder is refused unless --force.")
    boolean takeOver;

    @Option(names = "--force", description = "With --take-over: take over a live holder's file too (you know it is gone).")
    boolean force;

    @Mixin
    BucketOptions bucketOptions = new BucketOptions();

    @Option(names = "--dry-run", description = "Bucket targets: list the objects and what the ledger holds of each; write nothing.")
    boolean dryRun;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
            description = "Bucket targets: objects ingested at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--json", description = "Bucket targets: one JSON document instead of the table.")
    boolean json;

    @Override
    int run(CliContext ctx) throws Exception {
        if (targets.stream().anyMatch(BucketUri::isBucket)) {
            if (!targets.stream().allMatch(BucketUri::isBucket)) {
                throw new CliException(ExitCodes.USAGE, "give local files or s3:// / gs:// addresses, not both in one run");
            }
            if (bucket != null || root != null) throw new CliException(ExitCodes.USAGE, "--bucket and --root are for local files");
            return new BucketRun(targets.stream().map(BucketUri::parse).toList(), bucketOptions, dryRun, parallel, feed, json,
                    java.time.Duration.ofSeconds(leaseSeconds)).run(ctx);
        }
        if (dryRun || json || bucketOptions.since != null || bucketOptions.until != null || bucketOptions.endpoint != null) {
            throw new CliException(ExitCodes.USAGE, "--dry-run, --json, --since, --until and --endpoint are for s3:// and gs:// targets");
        }
        FeedRegistry feeds = ctx.feeds();
        Path base = (root == null ? Path.of("") : root).toAbsolutePath().normalize();
        String theBucket = bucket(feeds);
        List<Path> files = expand(base);
        if (files.isEmpty()) throw new CliException(ExitCodes.USAGE, "no files match " + targets);
        AutoMigrate.ifEmbedded(ctx);
        if (force && !takeOver) throw new CliException(ExitCodes.USAGE, "--force goes with --take-over");
        Inlet inlet = ctx.inlet(java.time.Duration.ofSeconds(leaseSeconds));
        LocalFileSource local = new LocalFileSource(base);
        List<FileReport> reports = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        // Ctrl-C, SIGTERM: give up the claim of the file in progress (its checkpoint stays) so the next run goes on at once
        ctx.onInterrupt(() -> {
            List<Long> ids = inlet.releaseClaims("interrupted (signal)");
            if (!ids.isEmpty()) ctx.err.println("inlet ingest: interrupted; released the claim of file(s) " + ids
                    + " at their last checkpoint");
        });
        try {
            ingestEach(ctx, inlet, local, theBucket, feeds, files, reports, refused, failed);
        } finally {
            // every file gets its line, whatever happened to the others
            Reports.files(ctx.out, reports);
            refused.forEach(r -> ctx.out.println("refused: " + TerminalText.escape(r)));
            failed.forEach(f -> ctx.out.println("failed: " + TerminalText.escape(f)));
        }
        if (!failed.isEmpty()) return ExitCodes.FAILURE;
        boolean bad = !refused.isEmpty() || reports.stream().anyMatch(r -> r.outcome() == FileOutcome.REJECTED
                || r.outcome() == FileOutcome.IN_PROGRESS_ELSEWHERE);
        return bad ? ExitCodes.FINDINGS : ExitCodes.OK;
    }

    /**
     * Ingests each file on its own: a failing file (a database blip that outlasts the in-process
     * retries, an unreadable file) is recorded in {@code failed} and the run goes on with the next.
     */
    private void ingestEach(CliContext ctx, Inlet inlet, LocalFileSource local, String theBucket, FeedRegistry feeds,
                            List<Path> files, List<FileReport> reports, List<String> refused, List<String> failed) throws IOException {
        for (Path file : files) {
            ObjectRef ref;
            try {
                ref = local.refFor(theBucket, file);
            } catch (OutsideRootException e) {
                refused.add(e.getMessage());
                continue;
            }
            if (feed != null && !feeds.matchObject(theBucket, ref.key()).map(Feed::name).orElse("").equals(feed)) {
                refused.add(ref.key() + ": not a file of feed " + feed);
                continue;
            }
            FileReport before = loadedBeforeContentIdentity(ctx, ref, feeds, theBucket);
            if (before != null) {
                reports.add(before);
                continue;
            }
            ProgressSource source = new ProgressSource(local);
            try (ProgressBar bar = new ProgressBar(ctx.err, TerminalText.escape(ref.key()), ref.size(), source.bytes::get, ProgressBar.onTerminal())) {
                FileReport report = TransientRetry.DEFAULT.run(() -> inlet.ingestFile(ref, source, Deadline.none()));
                if (report.outcome() == FileOutcome.IN_PROGRESS_ELSEWHERE && takeOver) report = takeOver(ctx, inlet, ref, source, report);
                reports.add(report);
            } catch (NoFeedException e) {
                refused.add(e.getMessage());
            } catch (RuntimeException e) {
                failed.add(ref.key() + ": " + e.getMessage() + (e instanceof io.inlet.failure.RetryableException ? " (retrying may help)" : ""));
            }
        }
    }

    /**
     * The same bytes under the same key, loaded before a local file's identity was its content (its
     * etag was size-mtime): already completed, so nothing is loaded again. Null when there is none.
     */
    private static FileReport loadedBeforeContentIdentity(CliContext ctx, ObjectRef ref, FeedRegistry feeds, String bucket) {
        if (ref.etag() == null || !ref.etag().startsWith("sha256:")) return null;
        String sha = ref.etag().substring("sha256:".length());
        var tx = new io.inlet.store.Transactions(ctx.dataSource());
        var finished = tx.inTransaction(c -> new io.inlet.ledger.FileLedger(tx).completedBeforeContentIdentity(c, bucket, ref.key(), sha));
        return finished.map(f -> new FileReport(f.fileId(), ref, feeds.matchObject(bucket, ref.key()).map(Feed::name).orElse(""),
                FileOutcome.ALREADY_COMPLETED, f.counts(), java.time.Duration.ZERO, f.firstError(), null)).orElse(null);
    }

    /** {@code --take-over}: releases a dead (or, with --force, live) holder's lease, audited, and ingests the file. */
    private FileReport takeOver(CliContext ctx, Inlet inlet, ObjectRef ref, ProgressSource source, FileReport busy) {
        Leases.Unlock unlock = inlet.unlock(new Leases.UnlockRequest(busy.fileId(), Operator.name(null), "inlet ingest --take-over",
                force, Leases.Kind.TAKE_OVER), Operator::knownDead);
        if (unlock instanceof Leases.Unlock.RefusedLive r) {
            ctx.err.println("inlet ingest: not taking over " + TerminalText.escape(ref.key()) + ": " + TerminalText.escape(r.holder())
                    + " holds a live lease until " + r.expiresAt() + " (add --force if you know it is gone)");
            return busy;
        }
        return TransientRetry.DEFAULT.run(() -> inlet.ingestFile(ref, source, Deadline.none()));
    }

    private String bucket(FeedRegistry feeds) {
        if (bucket != null) return bucket;
        if (feed != null) {
            return feeds.feeds().stream().filter(f -> f.name().equals(feed)).findFirst()
                    .orElseThrow(() -> new CliException(ExitCodes.CONFIG, "no feed named " + feed))
                    .match().bucket();
        }
        Set<String> buckets = feeds.feeds().stream().map(f -> f.match().bucket()).collect(Collectors.toCollection(TreeSet::new));
        if (buckets.size() == 1) return buckets.iterator().next();
        throw new CliException(ExitCodes.USAGE, "the feeds name several buckets " + buckets + ": give --bucket");
    }

    /**
     * The files the targets name. A target is a path relative to the current directory (or, when
     * nothing is there, to --root); an existing file or directory of that literal name wins over
     * reading it as a glob (a file named {@code a*.csv}); otherwise a target with glob characters
     * matches files under --root by their path relative to the current directory or to --root.
     * Directory walks never follow symbolic links, and a file whose links lead out of --root is
     * refused by {@link LocalFileSource#refFor}, never read.
     */
    private List<Path> expand(Path base) throws IOException {
        Path cwd = Path.of("").toAbsolutePath().normalize();
        TreeSet<Path> out = new TreeSet<>();
        for (String t : targets) {
            Path literal = literal(cwd, base, t);
            if (literal == null && (t.contains("*") || t.contains("?") || t.contains("[") || t.contains("{"))) {
                PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + t);
                try (Stream<Path> s = Files.walk(base)) {
                    s.filter(Files::isRegularFile)
                            .filter(p -> m.matches(base.relativize(p)) || m.matches(cwd.relativize(p)) || m.matches(p))
                            .forEach(out::add);
                }
                continue;
            }
            if (literal == null) throw new CliException(ExitCodes.USAGE, "no such file or directory: " + t);
            if (Files.isDirectory(literal)) {
                try (Stream<Path> s = Files.walk(literal)) {
                    s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).forEach(out::add);
                }
            } else {
                out.add(literal);
            }
        }
        for (Path p : out) {
            if (!p.startsWith(base)) throw new CliException(ExitCodes.USAGE, p + " is outside --root " + base);
        }
        return new ArrayList<>(out);
    }

    /** The existing file or directory literally named {@code target}: under the current directory first, then --root. */
    private static Path literal(Path cwd, Path base, String target) {
        for (Path dir : List.of(cwd, base)) {
            Path p;
            try {
                p = dir.resolve(target).normalize();
            } catch (java.nio.file.InvalidPathException e) {
                return null;
            }
            if (Files.isDirectory(p) || Files.isRegularFile(p)) return p;
        }
        return null;
    }
}
