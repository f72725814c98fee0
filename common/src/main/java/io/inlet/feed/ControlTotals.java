package io.inlet.feed;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a feed's files declare about themselves and Inlet checks before loading any of their
 * records: a header record (the file's first record), a trailer record (its last) and/or a sidecar
 * object next to the file, each carrying some of: the record count, sums of columns, and (sidecar
 * only) the md5 or sha256 of the data file's bytes as stored.
 *
 * @param header  the first record, never ingested; null when the files have none
 * @param trailer the last record, never ingested; null when the files have none
 * @param sidecar the control object next to each file; null when there is none
 */
public record ControlTotals(ControlRecord header, ControlRecord trailer, Sidecar sidecar) {

    /** A feed without control totals. */
    public static final ControlTotals NONE = new ControlTotals(null, null, null);

    /** Whether the feed declares anything to check. */
    public boolean declared() {
        return header != null || trailer != null || sidecar != null;
    }

    /** The columns some control source sums (a manifest JSON may sum any column: those are checked as they come). */
    public Set<String> summedColumns() {
        Set<String> out = new LinkedHashSet<>();
        if (header != null) out.addAll(header.fields().sums().keySet());
        if (trailer != null) out.addAll(trailer.fields().sums().keySet());
        if (sidecar != null && sidecar.fields() != null) out.addAll(sidecar.fields().sums().keySet());
        return out;
    }

    /**
     * Which named group of a pattern carries which total; each null/empty when not carried.
     *
     * @param count  group holding the number of data records
     * @param sums   column name -> group holding that column's sum over the data records
     * @param md5    group holding the hex md5 of the data file (sidecars only)
     * @param sha256 group holding the hex sha256 of the data file (sidecars only)
     */
    public record Fields(String count, Map<String, String> sums, String md5, String sha256) {
        public Fields {
            sums = sums == null ? Map.of() : Map.copyOf(sums);
        }

        public boolean empty() {
            return count == null && sums.isEmpty() && md5 == null && sha256 == null;
        }
    }

    /**
     * A header or trailer record: the record at that position must match {@code pattern} (whole raw
     * text), else the file is rejected; its named groups give the totals.
     */
    public record ControlRecord(Pattern pattern, Fields fields) {
    }

    /**
     * The control object at the data file's key plus {@code suffix} in the same bucket.
     *
     * @param kind    TEXT: {@code pattern} is searched in its text (at most 64 KiB) and its groups
     *                give the totals; JSON: a manifest {@code {"records": n, "sums": {...},
     *                "md5": "...", "sha256": "..."}}, each key optional
     * @param waitFor how long a data file waits (HELD) for its sidecar before it is rejected
     */
    public record Sidecar(String suffix, Kind kind, Pattern pattern, Fields fields, Duration waitFor) {
        public enum Kind { TEXT, JSON }

        /** The sidecar's key for a data file's key. */
        public String keyFor(String dataKey) {
            return dataKey + suffix;
        }
    }
}
