package io.inlet.cli;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.Feed;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.source.ListedObject;
import io.inlet.sweep.Sweep;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingests bucket objects through the same core and the same {@link io.inlet.source.ObjectSource} as
 * the functions, each with the identity a notification of it carries (so a replay of a file the
 * function loaded is that same ledger row: already completed, nothing appended). Several objects at
 * once (at most {@code parallel}); one failing object never stops the others.
 */
final class BucketIngest {

    /** What happened to one object: its report, or why it was not ingested. */
    sealed interface Result {
        ListedObject object();

        record Ingested(ListedObject object, FileReport report) implements Result {
        }

        record Skipped(ListedObject object, String reason) implements Result {
        }

        record Failed(ListedObject object, String reason) implements Result {
        }
    }

    private BucketIngest() {
    }

    /** The objects {@code uri} names in the window: the listing of its prefix, or its one version. */
    static List<ListedObject> select(ObjectStore store, BucketUri uri, Sweep.Window window) throws IOException {
        if (uri.version() != null) {
            Optional<ListedObject> one = store.lister().stat(uri.bucket(), uri.path(), uri.version());
            return List.of(one.orElseThrow(() -> new CliException(ExitCodes.USAGE, "no such object: " + uri)));
        }
        List<ListedObject> out = new ArrayList<>();
        store.lister().list(uri.bucket(), uri.path(), o -> {
            if (window.contains(o.lastModified())) out.add(o);
        });
        out.sort(java.util.Comparator.comparing((ListedObject o) -> o.ref().key()));
        return out;
    }

    /** The feed of the object, or why it is skipped. */
    static Optional<String> skipReason(FeedRegistry feeds, ListedObject o, String onlyFeed) {
        Optional<String> feed = feeds.matchObject(o.ref().bucket(), o.ref().key()).map(Feed::name);
        if (feed.isEmpty()) return Optional.of("no feed takes this key");
        if (onlyFeed != null && !feed.get().equals(onlyFeed)) return Optional.of("a file of feed " + feed.get() + ", not " + onlyFeed);
        return Optional.empty();
    }

    static List<Result> ingest(CliContext ctx, Inlet inlet, ObjectStore store, List<ListedObject> objects, int parallel,
                               String onlyFeed) throws InterruptedException {
        FeedRegistry feeds = inlet.feeds();
        List<ProgressSource> sources = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicLong records = new AtomicLong();
        AtomicLong done = new AtomicLong();
        long totalBytes = objects.stream().mapToLong(o -> o.ref().size() == null ? 0 : o.ref().size()).sum();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, Math.max(1, objects.size()))));
        List<Future<Result>> futures = new ArrayList<>();
        try (BatchProgress progress = new BatchProgress(ctx.err, objects.size(), totalBytes,
                () -> sources.stream().mapToLong(s -> s.bytes.get()).sum(), records::get, done::get, ProgressBar.onTerminal())) {
            for (ListedObject o : objects) {
                Optional<String> skip = skipReason(feeds, o, onlyFeed);
                if (skip.isPresent()) {
                    futures.add(java.util.concurrent.CompletableFuture.completedFuture(new Result.Skipped(o, skip.get())));
                    done.incrementAndGet();
                    continue;
                }
                ProgressSource source = new ProgressSource(store.source());
                sources.add(source);
                futures.add(pool.submit(() -> {
                    try {
                        FileReport r = inlet.ingestFile(o.ref(), source, Deadline.none());
                        records.addAndGet(r.counts().read());
                        return new Result.Ingested(o, r);
                    } catch (RuntimeException e) {
                        return new Result.Failed(o, e.getMessage() == null ? e.toString() : e.getMessage());
                    } finally {
                        done.incrementAndGet();
                    }
                }));
            }
            List<Result> results = new ArrayList<>();
            for (Future<Result> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Whether the run found something to report as a failure: a rejected or busy file, a failed object. */
    static boolean findings(List<Result> results) {
        return results.stream().anyMatch(r -> r instanceof Result.Failed
                || r instanceof Result.Ingested i && (i.report().outcome() == FileOutcome.REJECTED
                        || i.report().outcome() == FileOutcome.IN_PROGRESS_ELSEWHERE));
    }
}
