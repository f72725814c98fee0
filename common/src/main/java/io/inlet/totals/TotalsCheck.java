package io.inlet.totals;

/**
 * One declared total against what Inlet found.
 *
 * @param total    which total and where it was declared, e.g. {@code count (trailer)}, {@code sum(amount) (sidecar)}
 * @param expected the value as declared
 * @param actual   the value as counted, summed or hashed
 * @param matched  whether they agree (sums compare as exact decimals: 10.0 matches 10.00)
 */
public record TotalsCheck(String total, String expected, String actual, boolean matched) {

    /** {@code count (trailer): expected 3, actual 2}. */
    public String describe() {
        return total + ": expected " + expected + ", actual " + actual;
    }
}
