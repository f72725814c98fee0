package io.inlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inlet rejects export FILE --format csv|json [--no-raw] [--output PATH]}: a file's rejected
 * records, unescaped (the data as stored, for a spreadsheet or a script), one row each.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a file's rejected records as CSV (RFC 4180, with a header) or JSON: file_id, record, line, kind, "
                + "field, reason, raw text, resolved_at.",
                "The record column is what a corrected file for `inlet rejects replay` names in its _record column."})
final class RejectsExportCommand extends CliCommand {

    enum Format { csv, json }

    static final List<String> COLUMNS = List.of("file_id", "record", "line", "kind", "field", "reason", "raw", "resolved_at");

    @Parameters(paramLabel = "FILE", description = "Ledger file id, object key or bucket/key.")
    String file;

    @Option(names = "--format", required = true, paramLabel = "csv|json", description = "csv or json.")
    Format format;

    @Option(names = "--no-raw", description = "Leave the raw text out (it may hold personal data).")
    boolean noRaw;

    @Option(names = {"-o", "--output"}, paramLabel = "PATH", description = "Write here instead of standard output.")
    Path output;

    record Reject(long fileId, long record, Long line, String kind, String field, String reason, String raw, String resolvedAt) {
    }

    @Override
    int run(CliContext ctx) throws Exception {
        AutoMigrate.ifEmbedded(ctx);
        List<Reject> rows = new ArrayList<>();
        try (Connection c = ctx.dataSource().getConnection()) {
            List<Long> ids = RejectedFiles.resolve(c, file);
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT file_id, record_number, line_number, kind, field, reason, raw_text, resolved_at
                    FROM inlet.rejected_records WHERE file_id = ANY (?) ORDER BY file_id, record_number""")) {
                ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long line = rs.getLong(3);
                        Long lineNumber = rs.wasNull() ? null : line;
                        var resolved = rs.getTimestamp(8);
                        rows.add(new Reject(rs.getLong(1), rs.getLong(2), lineNumber, rs.getString(4), rs.getString(5),
                                rs.getString(6), noRaw ? null : rs.getString(7), resolved == null ? null : resolved.toInstant().toString()));
                    }
                }
            }
        }
        OutputStream target = output == null ? ctx.out : Files.newOutputStream(output);
        try (Writer w = new OutputStreamWriter(output == null ? nonClosing(target) : target, StandardCharsets.UTF_8)) {
            if (format == Format.csv) writeCsv(w, rows);
            else writeJson(w, rows);
        }
        if (output != null) ctx.err.println("inlet rejects export: " + rows.size() + " rejected record(s) written to " + output);
        return ExitCodes.OK;
    }

    private void writeCsv(Writer w, List<Reject> rows) throws java.io.IOException {
        List<String> header = noRaw ? COLUMNS.stream().filter(col -> !col.equals("raw")).toList() : COLUMNS;
        try (CSVPrinter p = new CSVPrinter(w, CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new)).get())) {
            for (Reject r : rows) {
                List<Object> values = new ArrayList<>(List.of(r.fileId(), r.record()));
                values.add(r.line());
                values.add(r.kind());
                values.add(r.field());
                values.add(r.reason());
                if (!noRaw) values.add(r.raw());
                values.add(r.resolvedAt());
                p.printRecord(values);
            }
        }
    }

    private void writeJson(Writer w, List<Reject> rows) throws java.io.IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode doc = json.createObjectNode();
        ArrayNode list = doc.putArray("rejects");
        for (Reject r : rows) {
            ObjectNode o = list.addObject().put("file_id", r.fileId()).put("record", r.record());
            if (r.line() == null) o.putNull("line"); else o.put("line", r.line());
            o.put("kind", r.kind()).put("field", r.field()).put("reason", r.reason());
            if (!noRaw) o.put("raw", r.raw());
            o.put("resolved_at", r.resolvedAt());
        }
        json.writerWithDefaultPrettyPrinter().writeValue(w, doc);
        w.write(System.lineSeparator());
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void close() throws java.io.IOException {
                flush();
            }
        };
    }
}
