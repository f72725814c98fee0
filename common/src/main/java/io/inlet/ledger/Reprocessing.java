package io.inlet.ledger;

import io.inlet.event.PostgresValues;
import io.inlet.store.TransactionRunner;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Set;

/**
 * Reopening a finished object version for one more run ({@code inlet reprocess}), audited in
 * {@code reprocess_runs}. {@link #reopen} turns a COMPLETED or REJECTED row back to IN_PROGRESS
 * under an already expired lease of the owner {@code reprocess#<run>}, at the start of the file with
 * its counts at zero; the next claim (the reprocess run's) takes it over. The row keeps its id, its
 * correlation id and its claim history ({@code ingest_slices} go on numbering). The rejects of the
 * earlier run are deleted (their count is kept in the run's row): the run records its own.
 */
public final class Reprocessing {

    /** The statuses a version may be reprocessed from. */
    public static final Set<String> REOPENABLE = Set.of("COMPLETED", "REJECTED");

    /** An operator's request: which ledger row, who asks and why. */
    public record Request(long fileId, String operator, String reason) {
        public Request {
            if (operator == null || operator.isBlank()) throw new IllegalArgumentException("a reprocess names its operator");
            if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a reprocess needs a reason (--reason)");
        }
    }

    /** The answer of {@link #reopen}. */
    public sealed interface Reopen {
        /** Reopened: run {@code runId} is open; {@code entry} is the row as it was before. */
        record Reopened(long runId, LedgerEntry before, long rejectsCleared) implements Reopen {
        }

        /** The version is not finished the way a reprocess needs (in progress, held, removed, skipped). */
        record NotReopenable(LedgerEntry entry) implements Reopen {
        }

        /** No ledger row has that id. */
        record Unknown(long fileId) implements Reopen {
        }
    }

    private final TransactionRunner tx;

    public Reprocessing(TransactionRunner tx) {
        this.tx = tx;
    }

    /** Reopens the row for one more run and opens the audit row, in one transaction. */
    public Reopen reopen(Request request) {
        return tx.inTransaction(c -> {
            LedgerEntry before;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + LedgerEntry.COLUMNS
                    + " FROM ingested_files WHERE file_id = ? FOR UPDATE")) {
                ps.setLong(1, request.fileId());
                var rows = LedgerEntry.read(ps);
                if (rows.isEmpty()) return new Reopen.Unknown(request.fileId());
                before = rows.get(0);
            }
            if (!REOPENABLE.contains(before.status())) return new Reopen.NotReopenable(before);
            long runId;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO reprocess_runs (file_id, operator, reason, previous_status, previous_read, previous_appended,
                                                previous_rejected, previous_error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING run_id""")) {
                ps.setLong(1, before.fileId());
                ps.setString(2, request.operator());
                ps.setString(3, PostgresValues.storable(request.reason()));
                ps.setString(4, before.status());
                ps.setLong(5, before.counts().read());
                ps.setLong(6, before.counts().appended());
                ps.setLong(7, before.counts().rejected());
                ps.setString(8, before.firstError());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    runId = rs.getLong(1);
                }
            }
            long cleared;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM rejected_records WHERE file_id = ?")) {
                ps.setLong(1, before.fileId());
                cleared = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE reprocess_runs SET rejects_cleared = ? WHERE run_id = ?")) {
                ps.setLong(1, cleared);
                ps.setLong(2, runId);
                ps.executeUpdate();
            }
            new FileLedger(tx).reopen(c, before.fileId(), "reprocess#" + runId);
            return new Reopen.Reopened(runId, before, cleared);
        });
    }

    /** Records how run {@code runId} ended: its outcome, the version's counts after it, its first error. */
    public void record(long runId, String outcome, Counts counts, String firstError) {
        tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE reprocess_runs SET outcome = ?, records_read = ?, appended = ?, duplicate = ?, conflict = ?,
                           rejected = ?, first_error = ?, finished_at = now()
                     WHERE run_id = ?""")) {
                ps.setString(1, outcome);
                ps.setLong(2, counts.read());
                ps.setLong(3, counts.appended());
                ps.setLong(4, counts.duplicate());
                ps.setLong(5, counts.conflict());
                ps.setLong(6, counts.rejected());
                ps.setString(7, PostgresValues.storable(firstError));
                ps.setLong(8, runId);
                return ps.executeUpdate();
            }
        });
    }
}
