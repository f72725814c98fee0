package io.inlet.totals;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inlet.feed.ControlTotals;
import io.inlet.parse.FileFormatException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;

/** Reads what a header, trailer or sidecar declares; anything unreadable is a {@link FileFormatException} naming it. */
final class ControlSources {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private ControlSources() {
    }

    /** The totals a matched header/trailer record or text sidecar carries in its pattern's groups. */
    static DeclaredTotals fromMatch(String source, String where, Matcher m, ControlTotals.Fields fields) {
        Long count = fields.count() == null ? null : count(source, where, m.group(fields.count()));
        Map<String, BigDecimal> sums = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : fields.sums().entrySet()) {
            sums.put(e.getKey(), decimal(source, where, "sum of '" + e.getKey() + "'", m.group(e.getValue())));
        }
        String md5 = fields.md5() == null ? null : hex(source, where, "md5", m.group(fields.md5()), 32);
        String sha = fields.sha256() == null ? null : hex(source, where, "sha256", m.group(fields.sha256()), 64);
        return new DeclaredTotals(source, count, sums, md5, sha);
    }

    /** The totals of a manifest JSON sidecar: {@code {"records": n, "sums": {"col": "1.50"}, "md5": "..", "sha256": ".."}}. */
    static DeclaredTotals fromManifest(String where, String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new FileFormatException(where + ": the manifest is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new FileFormatException(where + ": the manifest is not a JSON object");
        JsonNode records = root.get("records");
        Long count = null;
        if (records != null && !records.isNull()) {
            if (!records.isIntegralNumber() || records.asLong() < 0) {
                throw new FileFormatException(where + ": 'records' must be a whole number, found " + records);
            }
            count = records.asLong();
        }
        Map<String, BigDecimal> sums = new LinkedHashMap<>();
        JsonNode sumsNode = root.get("sums");
        if (sumsNode != null && !sumsNode.isNull()) {
            if (!sumsNode.isObject()) throw new FileFormatException(where + ": 'sums' must be an object of column: sum");
            for (Iterator<Map.Entry<String, JsonNode>> it = sumsNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                sums.put(e.getKey(), v.isNumber() ? v.decimalValue()
                        : decimal("manifest", where, "sum of '" + e.getKey() + "'", v.isTextual() ? v.asText() : v.toString()));
            }
        }
        String md5 = text(root, "md5") == null ? null : hex("manifest", where, "md5", text(root, "md5"), 32);
        String sha = text(root, "sha256") == null ? null : hex("manifest", where, "sha256", text(root, "sha256"), 64);
        return new DeclaredTotals("manifest", count, sums, md5, sha);
    }

    private static String text(JsonNode root, String key) {
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Long count(String source, String where, String text) {
        if (text == null) throw new FileFormatException(where + ": the " + source + " carries no record count");
        try {
            long n = Long.parseLong(text.trim());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new FileFormatException(where + ": the " + source + "'s record count '" + shorten(text) + "' is not a whole number");
        }
    }

    private static BigDecimal decimal(String source, String where, String what, String text) {
        if (text == null) throw new FileFormatException(where + ": the " + source + " carries no " + what);
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new FileFormatException(where + ": the " + source + "'s " + what + " '" + shorten(text) + "' is not a decimal number");
        }
    }

    private static String hex(String source, String where, String algorithm, String text, int length) {
        String t = text == null ? "" : text.trim();
        if (t.length() != length || !t.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            throw new FileFormatException(where + ": the " + source + "'s " + algorithm + " '" + shorten(t) + "' is not "
                    + length + " hex digits");
        }
        return t.toLowerCase(java.util.Locale.ROOT);
    }

    static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
