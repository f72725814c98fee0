package io.inlet.arrival;

import java.time.Instant;
import java.util.List;

/**
 * What one run of the arrival check emitted: each alert once per slot (an alert emitted by an
 * earlier run is not here again), and the file sets it reported incomplete.
 */
public record ArrivalReport(Instant checkedAt, List<Alert> alerts, List<IncompleteSet> incompleteSets) {

    /** One alert of one slot of one feed. */
    public record Alert(String feed, Instant slot, AlertKind kind, String detail) {
    }

    /** One file set past its timeout, reported with FileSetIncomplete. */
    public record IncompleteSet(long setId, String feed, String bucket, String prefix, String reason) {
    }

    public ArrivalReport {
        alerts = List.copyOf(alerts);
        incompleteSets = List.copyOf(incompleteSets);
    }

    public long count(AlertKind kind) {
        return alerts.stream().filter(a -> a.kind() == kind).count();
    }

    /** Whether anything was emitted (what the alarm fires on). */
    public boolean anything() {
        return !alerts.isEmpty() || !incompleteSets.isEmpty();
    }
}
