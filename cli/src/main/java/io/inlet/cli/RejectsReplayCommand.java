package io.inlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.ingest.RejectReplay;
import io.inlet.store.Transactions;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inlet rejects replay FILE --from corrected.csv --reason TEXT}: the corrected records, each
 * naming the original record in its {@code _record} column, loaded as if they had been good in the
 * original file. Audited in reject_replays; a second run appends nothing.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Load corrected records of a file's rejects as if they had been good in the original file "
                + "(same event ids, same record numbers), and mark those rejects resolved. Audited; a rerun appends nothing.",
                "The corrected file is in the feed's own format (same header), plus a _record column (JSON: field) with the "
                        + "original record number, as `inlet rejects` and `rejects export` show it.",
                "Exit 0 when every row was stored, 1 when some still fail (conflict or invalid), 2 when the file or a _record is unknown."})
final class RejectsReplayCommand extends CliCommand {

    @Parameters(paramLabel = "FILE", description = "Ledger file id, object key or bucket/key (one version).")
    String file;

    @Option(names = "--from", required = true, paramLabel = "CORRECTED", description = "The corrected records.")
    Path from;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (kept in reject_replays).")
    String reason;

    @Option(names = "--actor", paramLabel = "NAME", description = "Who (kept in reject_replays; default: the OS user).")
    String actor;

    @Option(names = "--json", description = "One JSON document instead of the lines.")
    boolean json;

    @Override
    int run(CliContext ctx) throws Exception {
        if (reason.isBlank()) throw new CliException(ExitCodes.USAGE, "--reason must say why");
        if (!Files.isRegularFile(from)) throw new CliException(ExitCodes.USAGE, "no corrected file " + from);
        AutoMigrate.ifEmbedded(ctx);
        long fileId;
        try (Connection c = ctx.dataSource().getConnection()) {
            fileId = RejectedFiles.resolveOne(c, file);
        }
        String who = actor != null ? actor : System.getProperty("user.name", "unknown");
        RejectReplay.Report report;
        try {
            report = new RejectReplay(ctx.feeds(), new Transactions(ctx.dataSource())).replay(new RejectReplay.Request(fileId,
                    from.toString(), offset -> {
                        InputStream in = Files.newInputStream(from);
                        in.skipNBytes(offset);
                        return in;
                    }, who, reason));
        } catch (RejectReplay.RefusedException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        long failing = report.count(RejectReplay.Outcome.CONFLICT) + report.count(RejectReplay.Outcome.STILL_INVALID);
        if (json) {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode doc = m.valueToTree(report);
            doc.put("actor", who).put("reason", reason);
            for (RejectReplay.Outcome o : RejectReplay.Outcome.values()) doc.put(o.name().toLowerCase(), report.count(o));
            ctx.out.println(m.writeValueAsString(doc));
        } else {
            for (RejectReplay.Row r : report.rows()) {
                ctx.out.printf("record %d line %s: %s%s%n", r.record(), r.line() == null ? "-" : r.line(), r.outcome(),
                        r.detail() == null ? "" : ": " + TerminalText.escape(r.detail()));
            }
            ctx.out.printf("replay #%d of file #%d (%s): %d appended, %d already stored, %d conflict, %d still invalid; %d reject(s) resolved%n",
                    report.replayId(), report.fileId(), report.feed(), report.count(RejectReplay.Outcome.APPENDED),
                    report.count(RejectReplay.Outcome.ALREADY_STORED), report.count(RejectReplay.Outcome.CONFLICT),
                    report.count(RejectReplay.Outcome.STILL_INVALID), report.resolved());
        }
        return failing == 0 ? ExitCodes.OK : ExitCodes.FINDINGS;
    }
}
