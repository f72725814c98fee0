package io.inlet.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.feed.Feed;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.HeldFileResult;
import io.inlet.ledger.FeedPauses;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inlet feed pause | resume | list}: stop loading a file feed's new files (they are held in
 * the ledger, the functions answer DONE), and load what it held, in arrival order, on resume.
 */
@Command(name = "feed", mixinStandardHelpOptions = true,
        description = "Pause a file feed (new files are held in the ledger, not loaded), resume it (held files load in arrival order), list feeds.",
        subcommands = {FeedCommand.Pause.class, FeedCommand.Resume.class, FeedCommand.ListFeeds.class})
final class FeedCommand {

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = {"Pause a file feed: from now on its new files are recorded HELD and not loaded; files already",
                    "finished or in progress are not affected. Message feeds are paused at the broker instead. Audited (feed_pauses)."})
    static final class Pause extends CliCommand {
        @Parameters(paramLabel = "NAME", description = "The feed.")
        String feed;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (kept with the pause).")
        String reason;

        @Option(names = "--operator", paramLabel = "NAME", description = "Who (default: the OS user).")
        String operator;

        @Option(names = "--json", description = "One JSON document instead of text.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            if (reason.isBlank()) throw new CliException(ExitCodes.USAGE, "--reason must say why");
            AutoMigrate.ifEmbedded(ctx);
            FeedPauses.Pause p;
            try {
                p = ctx.inlet().pauseFeed(feed, Operator.name(operator), reason);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
            if (json) OutboxCommand.printJson(ctx, pauseJson(p));
            else ctx.out.printf("feed %s paused by %s at %s: %s%n", p.feed(), TerminalText.escape(p.pausedBy()), p.pausedAt(),
                    TerminalText.escape(p.reason()));
            return ExitCodes.OK;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = {"Resume a feed and load the files it held, in arrival order, one report line each.",
                    "Exit 0 when every held file completed, 1 when one was rejected, 4 when one failed (it stays HELD; run resume again)."})
    static final class Resume extends CliCommand {
        @Parameters(paramLabel = "NAME", description = "The feed.")
        String feed;

        @Option(names = "--operator", paramLabel = "NAME", description = "Who (default: the OS user).")
        String operator;

        @Option(names = "--root", paramLabel = "DIR", description = "Directory local keys are relative to (default: current directory).")
        Path root;

        @Option(names = "--source", paramLabel = "local|s3|gs", defaultValue = "local",
                description = "Where the held files' bytes are read from (default: ${DEFAULT-VALUE}).")
        String from;

        @Option(names = "--json", description = "One JSON document instead of the table.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            AutoMigrate.ifEmbedded(ctx);
            Inlet inlet = ctx.inlet();
            List<HeldFileResult> results;
            try {
                results = inlet.resumeFeed(feed, Operator.name(operator),
                        LedgerTargets.resolver(LedgerTargets.From.parse(from), root), Deadline.none());
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
            List<FileReport> reports = results.stream().map(HeldFileResult::report).filter(r -> r != null).toList();
            List<HeldFileResult> failed = results.stream().filter(r -> r.failure() != null).toList();
            if (json) {
                ObjectNode doc = OutboxCommand.jsonObject();
                doc.put("feed", feed);
                ArrayNode files = doc.putArray("files");
                for (HeldFileResult r : results) {
                    ObjectNode f = files.addObject();
                    f.put("file_id", r.held().fileId());
                    f.put("object", r.held().ref().displayName());
                    if (r.report() != null) {
                        f.put("outcome", r.report().outcome().name());
                        f.set("counts", OutboxCommand.toJson(r.report().counts()));
                        f.put("first_error", r.report().firstError());
                    } else {
                        f.put("outcome", "FAILED");
                        f.put("error", r.failure());
                    }
                }
                OutboxCommand.printJson(ctx, doc);
            } else {
                ctx.out.printf("feed %s resumed; %d held file(s) loaded in arrival order%n", feed, results.size());
                Reports.files(ctx.out, reports);
                failed.forEach(f -> ctx.out.println("failed: " + TerminalText.escape(f.held().ref().key()) + ": "
                        + TerminalText.escape(f.failure()) + " (still held; run resume again)"));
            }
            if (!failed.isEmpty()) return ExitCodes.FAILURE;
            return reports.stream().allMatch(r -> r.outcome() == FileOutcome.COMPLETED
                    || r.outcome() == FileOutcome.ALREADY_COMPLETED) ? ExitCodes.OK : ExitCodes.FINDINGS;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every feed of the feeds file: kind, paused (by whom, since when, why) and how many files it holds.")
    static final class ListFeeds extends CliCommand {
        @Option(names = "--json", description = "One JSON document instead of the table.")
        boolean json;

        @Override
        int run(CliContext ctx) throws Exception {
            AutoMigrate.ifEmbedded(ctx);
            Inlet inlet = ctx.inlet();
            Map<String, FeedPauses.Pause> paused = inlet.pausedFeeds().stream()
                    .collect(Collectors.toMap(FeedPauses.Pause::feed, Function.identity()));
            Map<String, Long> held = inlet.heldFiles();
            List<String[]> rows = new ArrayList<>();
            for (Feed f : ctx.feeds().feeds()) rows.add(new String[] {f.name(), "file"});
            ctx.feeds().messageFeeds().forEach(m -> rows.add(new String[] {m.name(), "message"}));
            if (json) {
                ObjectNode doc = OutboxCommand.jsonObject();
                ArrayNode feeds = doc.putArray("feeds");
                for (String[] r : rows) {
                    ObjectNode f = feeds.addObject();
                    f.put("name", r[0]).put("kind", r[1]).put("paused", paused.containsKey(r[0])).put("held", held.getOrDefault(r[0], 0L));
                    if (paused.containsKey(r[0])) f.set("pause", pauseJson(paused.get(r[0])));
                }
                OutboxCommand.printJson(ctx, doc);
            } else {
                int w = Math.max(4, rows.stream().mapToInt(r -> r[0].length()).max().orElse(4));
                String fmt = "%-" + w + "s  %-7s  %-6s  %5s  %s%n";
                ctx.out.printf(fmt, "FEED", "KIND", "STATE", "HELD", "PAUSE");
                for (String[] r : rows) {
                    FeedPauses.Pause p = paused.get(r[0]);
                    ctx.out.printf(fmt, r[0], r[1], p == null ? "active" : "paused", held.getOrDefault(r[0], 0L),
                            p == null ? "" : "by " + TerminalText.escape(p.pausedBy()) + " since " + p.pausedAt() + ": "
                                    + TerminalText.escape(p.reason()));
                }
            }
            return ExitCodes.OK;
        }
    }

    static ObjectNode pauseJson(FeedPauses.Pause p) {
        ObjectNode n = OutboxCommand.jsonObject();
        n.put("feed", p.feed()).put("paused_by", p.pausedBy()).put("paused_at", p.pausedAt().toString()).put("reason", p.reason());
        return n;
    }
}
