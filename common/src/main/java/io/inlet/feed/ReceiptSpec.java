package io.inlet.feed;

/**
 * Where a feed's per-file receipts go: objects under {@code prefix} in the feed's bucket (the
 * data file's key after it, plus {@code .receipt.json} and {@code .receipt.csv}) and/or a derived
 * event to {@code destination}; either may be null, not both.
 *
 * @param includeValues whether rejected records' raw values appear in receipts (off by default:
 *                      a vendor file may hold personal data)
 */
public record ReceiptSpec(String prefix, String destination, boolean includeValues) {

    public static final String JSON_SUFFIX = ".receipt.json";
    public static final String CSV_SUFFIX = ".receipt.csv";

    /** Whether {@code key} lies under the receipt prefix, where Inlet writes and never reads. */
    public boolean covers(String key) {
        return prefix != null && key.startsWith(prefix);
    }

    /** The receipt object's key for a data file's key, without the suffix. */
    public String keyFor(String dataKey) {
        return prefix + dataKey;
    }
}
