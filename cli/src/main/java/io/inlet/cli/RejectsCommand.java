package io.inlet.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rejects", mixinStandardHelpOptions = true,
        description = {"The rejected records of a file (by ledger id or key): record, line, kind, field, reason and raw text.",
                "Control, escape and bidirectional characters in vendor text are shown escaped (\\x1b, \\u202e; a backslash as \\\\)."})
final class RejectsCommand extends CliCommand {

    @Parameters(paramLabel = "FILE", description = "Ledger file id (see `inlet status`) or object key.")
    String file;

    @Override
    int run(CliContext ctx) throws Exception {
        AutoMigrate.ifEmbedded(ctx);
        try (Connection c = ctx.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     SELECT f.file_id, f.object_key, r.record_number, r.line_number, r.kind, coalesce(r.field, '-'), r.reason,
                            coalesce(r.raw_text, '')
                     FROM inlet.ingested_files f JOIN inlet.rejected_records r ON r.file_id = f.file_id
                     WHERE f.file_id::text = ? OR f.object_key = ?
                     ORDER BY f.file_id, r.record_number""")) {
            ps.setString(1, file);
            ps.setString(2, file);
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    n++;
                    ctx.out.printf("#%d %s record %d line %d %s field %s: %s%n    %s%n", rs.getLong(1), TerminalText.escape(rs.getString(2)),
                            rs.getLong(3), rs.getLong(4), rs.getString(5), TerminalText.escape(rs.getString(6)),
                            TerminalText.escape(rs.getString(7)), TerminalText.escape(rs.getString(8)));
                }
            }
            ctx.out.println(n + " rejected record(s)");
            return ExitCodes.OK;
        }
    }
}
