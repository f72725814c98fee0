package io.inlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.Inlet;
import io.inlet.feed.Feed;
import io.inlet.feed.FeedRegistry;
import io.inlet.ingest.FileReport;
import io.inlet.source.ListedObject;
import io.inlet.source.ObjectRef;
import io.inlet.sweep.Sweep;
import io.inlet.sweep.SweepItem;
import io.inlet.sweep.SweepLedger;
import io.inlet.sweep.SweepReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code inlet ingest s3://... | gs://...}: select the objects, then show (--dry-run) or ingest them. */
record BucketRun(List<BucketUri> uris, BucketOptions options, boolean dryRun, int parallel, String feed, boolean json,
                 Duration lease) {

    private static final ObjectMapper JSON = new ObjectMapper();

    BucketRun {
        if (parallel < 1 || parallel > 64) throw new CliException(ExitCodes.USAGE, "--parallel " + parallel + " is not in 1..64");
        if (uris.stream().map(BucketUri::scheme).distinct().count() > 1) {
            throw new CliException(ExitCodes.USAGE, "give s3:// or gs:// targets, not both in one run");
        }
    }

    int run(CliContext ctx) throws Exception {
        FeedRegistry feeds = ctx.feeds();
        Sweep.Window window = options.window();
        try (ObjectStore store = ObjectStore.open(uris.get(0).scheme(), options.endpoint)) {
            List<ListedObject> objects = new ArrayList<>();
            for (BucketUri uri : uris) objects.addAll(BucketIngest.select(store, uri, window));
            if (objects.isEmpty()) {
                ctx.err.println("inlet: no objects under " + uris + (window.since() == null && window.until() == null ? "" : " in the window"));
                if (json) ctx.out.println(JSON.writeValueAsString(JSON.createObjectNode().set("objects", JSON.createArrayNode())));
                return ExitCodes.OK;
            }
            AutoMigrate.ifEmbedded(ctx);
            if (dryRun) return dryRun(ctx, feeds, objects);
            Inlet inlet = ctx.inlet(lease);
            List<BucketIngest.Result> results = BucketIngest.ingest(ctx, inlet, store, objects, parallel, feed);
            print(ctx, results);
            return BucketIngest.findings(results) ? ExitCodes.FINDINGS : ExitCodes.OK;
        }
    }

    /** What a run would do: each object, its feed, and what the ledger holds of it (nothing is written). */
    private int dryRun(CliContext ctx, FeedRegistry feeds, List<ListedObject> objects) throws Exception {
        SweepLedger ledger = new SweepLedger(ctx.dataSource());
        Map<ObjectRef, String> state = new HashMap<>();
        for (BucketUri uri : uris) {
            SweepReport r = Sweep.compare(uri.bucket(), uri.path(), Sweep.Window.ALL, objects.stream()
                    .filter(o -> o.ref().bucket().equals(uri.bucket()) && o.ref().key().startsWith(uri.path())).toList(),
                    ledger.entries(uri.bucket(), uri.path()));
            for (SweepItem i : r.missing()) state.put(i.object().ref(), i.finding().name());
        }
        ArrayNode rows = JSON.createArrayNode();
        String fmt = "%-40s %-20s %10s  %-24s %-18s %s%n";
        if (!json) ctx.out.printf(fmt, "OBJECT", "VERSION", "BYTES", "LAST MODIFIED", "FEED", "LEDGER");
        int would = 0;
        for (ListedObject o : objects) {
            ObjectRef ref = o.ref();
            String skip = BucketIngest.skipReason(feeds, o, feed).orElse(null);
            String feedName = feeds.matchObject(ref.bucket(), ref.key()).map(Feed::name).orElse("-");
            String ledgerState = state.getOrDefault(ref, "INGESTED");
            String action = skip != null ? "skip: " + skip : ledgerState.equals("INGESTED") ? "nothing (already ingested)" : "ingest";
            if (action.equals("ingest")) would++;
            if (json) {
                ObjectNode n = rows.addObject();
                object(n, o);
                n.put("feed", skip == null ? feedName : null);
                n.put("ledger", ledgerState);
                n.put("action", action);
            } else {
                ctx.out.printf(fmt, TerminalText.escape(ref.key()), ref.version() == null ? "-" : TerminalText.escape(ref.version()),
                        ref.size() == null ? "?" : ref.size(), o.lastModified(), feedName, ledgerState
                                + (skip != null ? " (skipped: " + skip + ")" : ""));
            }
        }
        if (json) {
            ObjectNode doc = JSON.createObjectNode();
            doc.put("dryRun", true);
            doc.put("wouldIngest", would);
            doc.set("objects", rows);
            ctx.out.println(JSON.writeValueAsString(doc));
        } else {
            ctx.out.println("dry run: " + would + " of " + objects.size() + " object(s) would be ingested; nothing was written");
        }
        return ExitCodes.OK;
    }

    private void print(CliContext ctx, List<BucketIngest.Result> results) throws Exception {
        if (json) {
            ArrayNode rows = JSON.createArrayNode();
            for (BucketIngest.Result r : results) {
                ObjectNode n = rows.addObject();
                object(n, r.object());
                if (r instanceof BucketIngest.Result.Ingested i) {
                    report(n, i.report());
                } else if (r instanceof BucketIngest.Result.Skipped s) {
                    n.put("outcome", "SKIPPED").put("reason", s.reason());
                } else if (r instanceof BucketIngest.Result.Failed f) {
                    n.put("outcome", "FAILED").put("reason", f.reason());
                }
            }
            ctx.out.println(JSON.writeValueAsString(JSON.createObjectNode().set("objects", rows)));
            return;
        }
        Reports.files(ctx.out, results.stream().filter(r -> r instanceof BucketIngest.Result.Ingested)
                .map(r -> ((BucketIngest.Result.Ingested) r).report()).toList());
        for (BucketIngest.Result r : results) {
            if (r instanceof BucketIngest.Result.Skipped s) {
                ctx.out.println("skipped: " + TerminalText.escape(s.object().ref().key()) + ": " + TerminalText.escape(s.reason()));
            } else if (r instanceof BucketIngest.Result.Failed f) {
                ctx.out.println("failed: " + TerminalText.escape(f.object().ref().displayName()) + ": " + TerminalText.escape(f.reason()));
            }
        }
    }

    static void object(ObjectNode n, ListedObject o) {
        ObjectRef ref = o.ref();
        n.put("bucket", ref.bucket()).put("key", ref.key()).put("version", ref.version()).put("etag", ref.etag());
        if (ref.size() == null) n.putNull("size");
        else n.put("size", ref.size());
        n.put("lastModified", o.lastModified().toString());
    }

    private static void report(ObjectNode n, FileReport r) {
        n.put("feed", r.feed()).put("outcome", r.outcome().name());
        if (r.fileId() == null) n.putNull("fileId");
        else n.put("fileId", r.fileId());
        n.put("read", r.counts().read()).put("appended", r.counts().appended()).put("duplicate", r.counts().duplicate())
                .put("conflict", r.counts().conflict()).put("rejected", r.counts().rejected()).put("firstError", r.firstError());
    }
}
