package io.inlet.parse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** A feed's {@link CsvOptions} as a Commons CSV format, applied to one framed record at a time. */
final class CsvDialect {

    private final CSVFormat format;

    CsvDialect(CsvOptions options) {
        Character escape = options.escape() == null || options.escape() == options.quote() ? null : options.escape();
        this.format = CSVFormat.DEFAULT.builder()
                .setDelimiter(options.delimiter())
                .setQuote(options.quote())
                .setEscape(escape)
                .setIgnoreSurroundingSpaces(options.trim())
                .setIgnoreEmptyLines(false)
                .setRecordSeparator("\n")
                .get();
    }

    /**
     * Splits one record's text into its fields.
     *
     * @throws InvalidRow when Commons CSV rejects the text (the message says why)
     */
    List<String> fields(String text) throws InvalidRow {
        List<CSVRecord> records;
        try (CSVParser parser = CSVParser.parse(text, format)) {
            records = parser.getRecords();
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new InvalidRow("invalid CSV: " + explain(e));
        }
        if (records.isEmpty()) return List.of("");
        if (records.size() > 1) {
            throw new InvalidRow("invalid CSV: a carriage return outside quotes splits the record");
        }
        List<String> fields = new ArrayList<>(records.get(0).size());
        records.get(0).forEach(fields::add);
        return fields;
    }

    /**
     * Commons CSV's complaint without its positions, which count from the start of the one record
     * it was given and would mislead next to the record's real line number.
     */
    private static String explain(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = String.valueOf(root.getMessage());
        if (message.contains("between encapsulated token and delimiter")) {
            return "invalid character between the closing quote and the delimiter";
        }
        message = message.replaceAll("\\(line [\\d,]+\\) ?", "")
                .replaceAll(" at line: [\\d,]+, position: [\\d,]+", "")
                .replace("EOF", "end of record");
        return message.isEmpty() ? message : Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }

    /** A record's text that is not valid CSV in this dialect. */
    static final class InvalidRow extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidRow(String reason) {
            super(reason, null, false, false);
        }
    }
}
