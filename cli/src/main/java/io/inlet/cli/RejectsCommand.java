package io.inlet.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rejects", mixinStandardHelpOptions = true,
        subcommands = {RejectsExportCommand.class, RejectsReplayCommand.class},
        description = {"The rejected records of a file (by ledger id or key): record, line, kind, field, reason and raw text.",
                "Control, escape and bidirectional characters in vendor text are shown escaped (\\x1b, \\u202e; a backslash as \\\\).",
                "A file the ledger does not know exits 2. `rejects export` writes them as CSV or JSON; `rejects replay` loads corrected records."})
final class RejectsCommand extends CliCommand {

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "Ledger file id (see `inlet status`), object key or bucket/key.")
    String file;

    @Override
    int run(CliContext ctx) throws Exception {
        if (file == null) throw new CliException(ExitCodes.USAGE, "which file? `inlet rejects FILE`, `inlet rejects export FILE`, `inlet rejects replay FILE`");
        AutoMigrate.ifEmbedded(ctx);
        try (Connection c = ctx.dataSource().getConnection()) {
            List<Long> ids = RejectedFiles.resolve(c, file);
            try (PreparedStatement ps = c.prepareStatement("""
                     SELECT f.file_id, f.object_key, r.record_number, r.line_number, r.kind, coalesce(r.field, '-'), r.reason,
                            coalesce(r.raw_text, ''), r.resolved_at
                     FROM inlet.ingested_files f JOIN inlet.rejected_records r ON r.file_id = f.file_id
                     WHERE f.file_id = ANY (?)
                     ORDER BY f.file_id, r.record_number""")) {
                ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                int n = 0;
                int resolved = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        n++;
                        boolean isResolved = rs.getTimestamp(9) != null;
                        if (isResolved) resolved++;
                        ctx.out.printf("#%d %s record %d line %d %s field %s: %s%s%n    %s%n", rs.getLong(1),
                                TerminalText.escape(rs.getString(2)), rs.getLong(3), rs.getLong(4), rs.getString(5),
                                TerminalText.escape(rs.getString(6)), TerminalText.escape(rs.getString(7)),
                                isResolved ? " (resolved " + rs.getTimestamp(9).toInstant() + ")" : "",
                                TerminalText.escape(rs.getString(8)));
                    }
                }
                ctx.out.println(n + " rejected record(s)" + (resolved == 0 ? "" : ", " + resolved + " resolved by a replay"));
            }
            return ExitCodes.OK;
        }
    }
}
