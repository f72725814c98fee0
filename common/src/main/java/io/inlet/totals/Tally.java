package io.inlet.totals;

import com.fasterxml.jackson.databind.JsonNode;
import io.inlet.parse.FileFormatException;
import io.inlet.parse.MalformedRecord;
import io.inlet.parse.RawRecord;
import io.inlet.parse.ReadItem;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What Inlet counts over a file's data records: how many, and the exact decimal sum of each summed
 * column (never a double). An absent or empty value adds nothing; a value that is not a decimal
 * number, or a malformed record when a column is summed, makes the sum unknowable: an error naming
 * the record, line and field.
 */
final class Tally {

    private final String fileName;
    private final Map<String, BigDecimal> sums = new LinkedHashMap<>();
    private long count;

    Tally(String fileName, Set<String> summed) {
        this.fileName = fileName;
        for (String c : summed) sums.put(c, BigDecimal.ZERO);
    }

    void add(ReadItem item) {
        count++;
        if (sums.isEmpty()) return;
        var pos = item.position();
        if (item instanceof MalformedRecord m) {
            throw new FileFormatException(fileName + ": record " + pos.recordNumber() + " (line " + pos.lineNumber()
                    + ") is malformed (" + m.reason() + "), so the control sum of " + sums.keySet() + " cannot be computed");
        }
        RawRecord raw = (RawRecord) item;
        for (Map.Entry<String, BigDecimal> e : sums.entrySet()) {
            BigDecimal v = value(raw.fields().get(e.getKey()), e.getKey(), pos.recordNumber(), pos.lineNumber());
            if (v != null) e.setValue(e.getValue().add(v));
        }
    }

    /** Adds the columns a manifest sums beyond the feed's declared ones (before the first record). */
    void alsoSum(Set<String> columns) {
        for (String c : columns) sums.putIfAbsent(c, BigDecimal.ZERO);
    }

    long count() {
        return count;
    }

    BigDecimal sum(String column) {
        return sums.get(column);
    }

    private BigDecimal value(JsonNode v, String column, long record, long line) {
        if (v == null || v.isNull() || v.isMissingNode()) return null;
        if (v.isNumber()) return v.decimalValue();
        String text = v.isTextual() ? v.asText().trim() : v.toString();
        if (text.isEmpty()) return null;
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new FileFormatException(fileName + ": record " + record + " (line " + line + "), field '" + column
                    + "': \"" + ControlSources.shorten(text) + "\" is not a decimal number, so its control sum cannot be computed");
        }
    }
}
