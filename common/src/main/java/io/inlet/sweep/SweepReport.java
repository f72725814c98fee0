package io.inlet.sweep;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one sweep of {@code bucket/prefix} found.
 *
 * @param since    the window's start (objects last written before it were skipped); null: all time
 * @param until    the window's end, exclusive; null: no end
 * @param listed   objects in the window
 * @param accounted of those, the ones whose very version finished
 * @param missing  the others, in key order
 */
public record SweepReport(String bucket, String prefix, Instant since, Instant until, long listed, long accounted,
                          List<SweepItem> missing) {

    public SweepReport {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        missing = List.copyOf(missing);
        if (accounted + missing.size() != listed) {
            throw new IllegalArgumentException("listed " + listed + " != accounted " + accounted + " + missing " + missing.size());
        }
    }

    /** How many of each finding (every finding present, zero when none). */
    public Map<Finding, Long> counts() {
        Map<Finding, Long> counts = new EnumMap<>(Finding.class);
        for (Finding f : Finding.values()) counts.put(f, 0L);
        for (SweepItem i : missing) counts.merge(i.finding(), 1L, Long::sum);
        return counts;
    }

    public boolean clean() {
        return missing.isEmpty();
    }
}
