package io.inlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.event.EventMapper;
import io.inlet.event.RecordContext;
import io.inlet.event.RecordRejectedException;
import io.inlet.feed.Feed;
import io.inlet.feed.FeedExplanation;
import io.inlet.feed.FeedRegistry;
import io.inlet.feed.MessageFeed;
import io.inlet.parse.FileFormatException;
import io.inlet.parse.MalformedRecord;
import io.inlet.parse.RawRecord;
import io.inlet.parse.ReadItem;
import io.inlet.parse.RecordReader;
import io.inlet.parse.RecordReaders;
import io.inlet.parse.ResumePoint;
import io.inlet.source.ObjectRef;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code inlet feeds check | explain}: the feeds file on its own, without a database. */
@Command(name = "feeds", mixinStandardHelpOptions = true,
        description = "Check a feeds file (and read a sample file with it) or explain which feed takes an object key; no database.",
        subcommands = {FeedsCommand.Check.class, FeedsCommand.Explain.class})
final class FeedsCommand {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validate the feeds file (--feeds) without a database: every feed, its table and routes; warnings.",
                    "With --sample FILE, read the file with the feed that takes it (or --feed) and map every record: rejects with reasons.",
                    "Exit 0 valid, 1 the sample has rejected records or is unreadable, 3 the feeds file is invalid."})
    static final class Check extends CliCommand {

        @Option(names = "--sample", paramLabel = "FILE", description = "A sample file to read and map (nothing is stored).")
        Path sample;

        @Option(names = "--feed", paramLabel = "NAME", description = "The feed for the sample (default: the feed whose pattern its path matches).")
        String feed;

        @Option(names = {"-n", "--limit"}, defaultValue = "10", description = "Rejects and events to show (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "One JSON document instead of the lines.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            if (limit < 0) throw new CliException(ExitCodes.USAGE, "--limit must be 0 or more (was " + limit + ")");
            FeedRegistry feeds = ctx.feeds();
            ObjectNode doc = JSON.createObjectNode();
            doc.put("feedsFile", ctx.feedsLocation());
            ArrayNode list = doc.putArray("feeds");
            for (Feed f : feeds.feeds()) {
                list.addObject().put("name", f.name()).put("kind", "file").put("bucket", f.match().bucket())
                        .put("keyPattern", f.match().keyPattern()).put("table", f.table())
                        .put("routes", f.derived().stream().map(r -> r.destination()).toList().toString());
            }
            for (MessageFeed f : feeds.messageFeeds()) {
                list.addObject().put("name", f.name()).put("kind", "message").put("channel", f.channel()).put("table", f.table());
            }
            doc.set("warnings", JSON.valueToTree(feeds.warnings()));
            int code = ExitCodes.OK;
            if (sample != null) {
                ObjectNode s = doc.putObject("sample");
                code = sample(feeds, s);
            }
            if (json) {
                ctx.out.println(JSON.writeValueAsString(doc));
            } else {
                ctx.out.println(ctx.feedsLocation() + ": valid: " + feeds.feeds().size() + " file feed(s), " + feeds.messageFeeds().size()
                        + " message feed(s), event tables " + feeds.eventTables());
                for (var f : doc.get("feeds")) {
                    ctx.out.println("  " + f.get("name").asText() + " (" + f.get("kind").asText() + "): "
                            + (f.has("bucket") ? f.get("bucket").asText() + "/" + f.get("keyPattern").asText() : "channel " + f.get("channel").asText())
                            + " -> " + f.get("table").asText() + (f.has("routes") ? " routes " + f.get("routes").asText() : ""));
                }
                for (String w : feeds.warnings()) ctx.out.println("  warning: " + TerminalText.escape(w));
                if (sample != null) printSample(ctx, (ObjectNode) doc.get("sample"));
            }
            return code;
        }

        private int sample(FeedRegistry feeds, ObjectNode s) throws Exception {
            if (!Files.isRegularFile(sample)) throw new CliException(ExitCodes.USAGE, "no sample file " + sample);
            String key = sample.toString().replace('\\', '/');
            Feed f = feed != null
                    ? feeds.feed(feed).orElseThrow(() -> new CliException(ExitCodes.USAGE, "no file feed '" + feed + "'"))
                    : feeds.feeds().stream().filter(x -> x.match().keyGlob().matches(key)).findFirst().orElseThrow(() ->
                            new CliException(ExitCodes.USAGE, "no feed's pattern matches " + key + ": give --feed (see `inlet feeds explain`)"));
            s.put("file", key).put("feed", f.name());
            EventMapper mapper = feeds.mapper(f.name());
            ObjectRef ref = new ObjectRef(f.match().bucket(), key, null, null, Files.size(sample));
            RecordContext rc = new RecordContext(f.name(), ref, "file:" + key, "feeds-check", "feeds-check", Instant.now());
            long records = 0, bad = 0;
            ArrayNode rejects = s.putArray("rejects");
            ArrayNode events = s.putArray("events");
            try (RecordReader reader = RecordReaders.open(f.format(), key, offset -> {
                InputStream in = Files.newInputStream(sample);
                in.skipNBytes(offset);
                return in;
            }, ResumePoint.START)) {
                for (ReadItem item; (item = reader.next()) != null; ) {
                    records++;
                    String reason = null, field = null;
                    if (item instanceof MalformedRecord m) {
                        reason = m.reason();
                    } else {
                        try {
                            var e = mapper.map((RawRecord) item, rc);
                            if (events.size() < limit) events.add(JSON.readTree(e.payloadJson()));
                        } catch (RecordRejectedException e) {
                            reason = e.getMessage();
                            field = e.field();
                        }
                    }
                    if (reason != null) {
                        bad++;
                        if (rejects.size() < limit) {
                            rejects.addObject().put("record", item.position().recordNumber()).put("line", item.position().lineNumber())
                                    .put("field", field).put("reason", reason);
                        }
                    }
                }
            } catch (FileFormatException e) {
                s.put("unreadable", e.getMessage());
                return ExitCodes.FINDINGS;
            }
            s.put("records", records).put("rejected", bad);
            boolean rejectsFile = f.errors().rejectsFile(records, bad);
            s.put("fileWouldBeRejected", rejectsFile);
            return bad == 0 ? ExitCodes.OK : ExitCodes.FINDINGS;
        }

        private static void printSample(CliContext ctx, ObjectNode s) {
            if (s.has("unreadable")) {
                ctx.out.println("sample " + s.get("file").asText() + " (feed " + s.get("feed").asText() + "): unreadable: "
                        + TerminalText.escape(s.get("unreadable").asText()));
                return;
            }
            ctx.out.printf("sample %s (feed %s): %d record(s), %d rejected%s%n", TerminalText.escape(s.get("file").asText()),
                    s.get("feed").asText(), s.get("records").asLong(), s.get("rejected").asLong(),
                    s.get("fileWouldBeRejected").asBoolean() ? "; the feed's error policy would reject the whole file" : "");
            for (var r : s.get("rejects")) {
                ctx.out.printf("  record %d line %d%s: %s%n", r.get("record").asLong(), r.get("line").asLong(),
                        r.get("field").isNull() ? "" : " field " + TerminalText.escape(r.get("field").asText()),
                        TerminalText.escape(r.get("reason").asText()));
            }
            for (var e : s.get("events")) ctx.out.println("  event payload " + TerminalText.escape(e.toString()));
        }
    }

    @Command(name = "explain", mixinStandardHelpOptions = true,
            description = {"Say which file feed takes an object key and why each other does not: bucket mismatch, the part of its "
                    + "key pattern the key fails, or an earlier feed taking it. No database.",
                    "Exit 0 when a feed takes the key, 1 when none does."})
    static final class Explain extends CliCommand {

        @Parameters(paramLabel = "KEY", description = "An object key, or bucket/key with --bucket unset and s3:// or gs:// before it.")
        String key;

        @Option(names = "--bucket", paramLabel = "NAME", description = "The bucket (default: any; an s3:// or gs:// KEY names its own).")
        String bucket;

        @Option(names = "--json", description = "One JSON document instead of the lines.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            String b = bucket;
            String k = key;
            var url = java.util.regex.Pattern.compile("(?:s3|gs)://([^/]+)/(.+)").matcher(key);
            if (url.matches()) {
                b = url.group(1);
                k = url.group(2);
            }
            List<FeedExplanation.Verdict> verdicts = FeedExplanation.explain(ctx.feeds(), b, k);
            boolean taken = verdicts.stream().anyMatch(v -> v.kind() == FeedExplanation.Kind.TAKES);
            if (json) {
                ObjectNode doc = JSON.createObjectNode();
                doc.put("bucket", b).put("key", k);
                doc.put("feed", verdicts.stream().filter(v -> v.kind() == FeedExplanation.Kind.TAKES).map(FeedExplanation.Verdict::feed)
                        .findFirst().orElse(null));
                doc.set("feeds", JSON.valueToTree(verdicts));
                ctx.out.println(JSON.writeValueAsString(doc));
            } else {
                String name = (b == null ? "" : b + "/") + k;
                ctx.out.println(TerminalText.escape(name) + ": " + verdicts.stream().filter(v -> v.kind() == FeedExplanation.Kind.TAKES)
                        .map(v -> "taken by feed '" + v.feed() + "'").findFirst().orElse("no feed takes it"));
                for (FeedExplanation.Verdict v : verdicts) {
                    ctx.out.printf("  %-8s %s: %s%n", v.kind() == FeedExplanation.Kind.TAKES ? "TAKES" : "no", v.feed(),
                            TerminalText.escape(v.kind() == FeedExplanation.Kind.TAKES ? v.why() : v.kind() + ": " + v.why()));
                }
            }
            return taken ? ExitCodes.OK : ExitCodes.FINDINGS;
        }
    }
}
