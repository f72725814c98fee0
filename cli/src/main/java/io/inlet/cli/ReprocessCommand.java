package io.inlet.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.ReprocessReport;
import io.inlet.ledger.Reprocessing;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reprocess", mixinStandardHelpOptions = true,
        description = {"Run a COMPLETED or REJECTED object version again, after a feed fix; audited (reprocess_runs).",
                "Records already stored count as duplicates; changed ones are conflicts (rejected, the stored event kept).",
                "The version keeps its ledger id and claim history. Exit 0 completed, 1 rejected again or not reopenable,",
                "2 unknown file or bad arguments."})
final class ReprocessCommand extends CliCommand {

    @Mixin
    LedgerFileOptions file = new LedgerFileOptions();

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (kept in the audit).")
    String reason;

    @Option(names = "--operator", paramLabel = "NAME", description = "Who (default: the OS user).")
    String operator;

    @Option(names = "--source", paramLabel = "local|s3|gs",
            description = "Where the bytes are read from (default: local for a file id or path, the bucket for a URL).")
    String from;

    @Option(names = "--json", description = "One JSON document instead of the table.")
    boolean json;

    @Override
    int run(CliContext ctx) throws Exception {
        if (reason.isBlank()) throw new CliException(ExitCodes.USAGE, "--reason must say why");
        AutoMigrate.ifEmbedded(ctx);
        LedgerTargets.Target t = file.resolve(ctx, LedgerTargets.From.parse(from));
        Inlet inlet = ctx.inlet();
        String who = Operator.name(operator);
        ReprocessReport result = inlet.reprocess(new Reprocessing.Request(t.entry().fileId(), who, reason),
                LedgerTargets.resolver(t.from(), file.root), Deadline.none());
        if (result.reopen() instanceof Reprocessing.Reopen.NotReopenable n) {
            throw new CliException(ExitCodes.FINDINGS, "file #" + n.entry().fileId() + " (" + TerminalText.escape(n.entry().ref().displayName())
                    + ") is " + n.entry().status() + ": only a COMPLETED or REJECTED version is reprocessed"
                    + (n.entry().status().equals("IN_PROGRESS") ? " (a stuck one: `inlet unlock`)" : ""));
        }
        if (result.reopen() instanceof Reprocessing.Reopen.Unknown u) {
            throw new CliException(ExitCodes.USAGE, "no ledger file with id " + u.fileId());
        }
        Reprocessing.Reopen.Reopened opened = (Reprocessing.Reopen.Reopened) result.reopen();
        FileReport r = result.report();
        if (json) {
            ObjectNode doc = OutboxCommand.jsonObject();
            doc.put("run_id", opened.runId());
            doc.put("file_id", r.fileId());
            doc.put("object", r.object().displayName());
            doc.put("feed", r.feed());
            doc.put("operator", who);
            doc.put("reason", reason);
            doc.put("previous_status", opened.before().status());
            doc.put("rejects_cleared", opened.rejectsCleared());
            doc.put("outcome", r.outcome().name());
            doc.set("counts", OutboxCommand.toJson(r.counts()));
            doc.put("first_error", r.firstError());
            OutboxCommand.printJson(ctx, doc);
        } else {
            ctx.out.printf("reprocess run %d of file #%d by %s (was %s; %d earlier reject(s) cleared)%n", opened.runId(),
                    r.fileId(), TerminalText.escape(who), opened.before().status(), opened.rejectsCleared());
            Reports.files(ctx.out, List.of(r));
        }
        return r.outcome() == FileOutcome.COMPLETED ? ExitCodes.OK : ExitCodes.FINDINGS;
    }
}
