package io.inlet.ingest;

import io.inlet.ledger.Reprocessing;

/**
 * The result of a forced reprocess: whether the version could be reopened, and, when it was, the
 * audit run's id and the report of the run itself (null otherwise).
 */
public record ReprocessReport(Reprocessing.Reopen reopen, FileReport report) {

    /** The audit row ({@code reprocess_runs}) of the run, or null when nothing was reopened. */
    public Long runId() {
        return reopen instanceof Reprocessing.Reopen.Reopened r ? r.runId() : null;
    }
}
