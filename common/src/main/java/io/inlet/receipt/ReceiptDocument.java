package io.inlet.receipt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.event.PostgresValues;
import io.inlet.totals.TotalsCheck;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The two forms of one receipt, written in one streaming pass over the file's rejected records:
 * JSON (the file, its outcome, counts, control totals, then each rejected record) and CSV (a
 * {@code file} row, then a {@code rejected} row per record). Without {@code includeValues} no raw
 * value appears: not the record's text, and not the values Inlet's reasons quote (in double
 * quotes), which are withheld. Every CSV cell a spreadsheet would run as a formula is neutralised.
 */
final class ReceiptDocument {

    /** How many rejected records the {@code FileReceipt} event carries (the objects carry all). */
    static final int EVENT_REJECTS = 100;
    static final String WITHHELD = "\"<value withheld>\"";
    private static final Pattern QUOTED_VALUE = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"(?:\\.\\.\\.)?");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();
    private static final int FETCH = 500;

    /** The derived event's payload (the summary and the first rejects). */
    record Written(String eventPayload) {
    }

    private ReceiptDocument() {
    }

    static Written write(Connection c, FinishedFile file, List<TotalsCheck> checks, boolean includeValues, Path json, Path csv)
            throws SQLException {
        ObjectNode event = summary(file, checks, includeValues);
        ArrayNode eventRejects = event.putArray("rejected");
        long rejects = 0;
        try (JsonGenerator g = FACTORY.createGenerator(Files.newOutputStream(json)).useDefaultPrettyPrinter();
             Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator("\r\n").build())) {
            g.setCodec(JSON);
            g.writeStartObject();
            summary(file, checks, includeValues).fields().forEachRemaining(e -> {
                try {
                    g.writeObjectField(e.getKey(), e.getValue());
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            g.writeArrayFieldStart("rejected");
            header(p, includeValues);
            fileRow(p, file, includeValues);
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT record_number, line_number, kind, field, reason, raw_text FROM rejected_records
                     WHERE file_id = ? ORDER BY record_number""")) {
                ps.setFetchSize(FETCH); // a cursor: rows stream in, never all at once
                ps.setLong(1, file.fileId());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ObjectNode r = JSON.createObjectNode();
                        r.put("record", rs.getLong(1));
                        long line = rs.getLong(2);
                        if (rs.wasNull()) r.putNull("line"); else r.put("line", line);
                        r.put("kind", rs.getString(3));
                        r.put("field", rs.getString(4));
                        // jsonb (the event) refuses a NUL a raw record may hold
                        r.put("reason", PostgresValues.storable(reason(rs.getString(5), includeValues)));
                        if (includeValues) r.put("value", PostgresValues.storable(rs.getString(6)));
                        g.writeTree(r);
                        rejectRow(p, r, includeValues);
                        if (rejects++ < EVENT_REJECTS) eventRejects.add(r);
                    }
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing the receipt of file " + file.fileId(), e);
        }
        event.put("rejectedListed", Math.min(rejects, EVENT_REJECTS));
        event.put("rejectedTruncated", rejects > EVENT_REJECTS);
        return new Written(event.toString());
    }

    /** The receipt's head: no time of writing in it, so a rewrite writes the same bytes. */
    private static ObjectNode summary(FinishedFile file, List<TotalsCheck> checks, boolean includeValues) {
        ObjectNode n = JSON.createObjectNode();
        n.put("receiptVersion", 1);
        n.put("fileId", file.fileId());
        n.put("feed", file.feed());
        n.put("bucket", file.ref().bucket());
        n.put("key", file.ref().key());
        n.put("version", file.ref().version());
        n.put("outcome", file.status().databaseValue());
        n.put("error", file.error() == null ? null : PostgresValues.storable(reason(file.error(), includeValues)));
        ObjectNode counts = n.putObject("counts");
        counts.put("read", file.counts().read());
        counts.put("appended", file.counts().appended());
        counts.put("duplicate", file.counts().duplicate());
        counts.put("conflict", file.counts().conflict());
        counts.put("rejected", file.counts().rejected());
        ArrayNode totals = n.putArray("controlTotals");
        for (TotalsCheck t : checks) {
            ObjectNode o = totals.addObject();
            o.put("total", t.total());
            o.put("expected", t.expected());
            o.put("actual", t.actual());
            o.put("matched", t.matched());
        }
        return n;
    }

    /** A reason as the receipt tells it: the values it quotes withheld unless the feed allows them. */
    static String reason(String reason, boolean includeValues) {
        if (reason == null || includeValues) return reason;
        return QUOTED_VALUE.matcher(reason).replaceAll(java.util.regex.Matcher.quoteReplacement(WITHHELD));
    }

    private static void header(CSVPrinter p, boolean includeValues) throws IOException {
        p.print("row_type");
        for (String h : List.of("outcome", "records_read", "appended", "duplicate", "conflict", "rejected", "record", "line",
                "kind", "field", "reason")) {
            p.print(h);
        }
        if (includeValues) p.print("value");
        p.println();
    }

    private static void fileRow(CSVPrinter p, FinishedFile file, boolean includeValues) throws IOException {
        var k = file.counts();
        p.printRecord(cells("file", file.status().databaseValue(), k.read(), k.appended(), k.duplicate(), k.conflict(), k.rejected(),
                "", "", "", "", reason(file.error(), includeValues), includeValues ? "" : null));
    }

    private static void rejectRow(CSVPrinter p, ObjectNode r, boolean includeValues) throws IOException {
        p.printRecord(cells("rejected", "", "", "", "", "", "", r.get("record").asLong(), r.get("line").isNull() ? "" : r.get("line").asLong(),
                r.get("kind").asText(), r.get("field").isNull() ? "" : r.get("field").asText(), r.get("reason").asText(),
                includeValues ? (r.get("value").isNull() ? "" : r.get("value").asText()) : null));
    }

    /** The cells of a row, each neutralised; a null last cell (no value column) is left out. */
    private static List<Object> cells(Object... values) {
        java.util.ArrayList<Object> out = new java.util.ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (i == values.length - 1 && values[i] == null) break;
            out.add(values[i] instanceof String s ? CsvCells.neutralise(s) : values[i]);
        }
        return out;
    }
}
