package io.inlet.ledger;

import io.inlet.store.TransactionRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Retention ({@code inlet purge}): deletes bookkeeping rows older than a cut-off, in bounded
 * batches, each batch its own transaction (no long lock, no huge WAL burst, an interrupted purge
 * keeps what it did). What goes: processed_messages rows by {@code last_seen}, published outbox rows
 * by {@code published_at}, and resolved rejects by {@code resolved_at} when the table has that
 * column. Never events, never unpublished outbox rows (pending, blocked or released), never
 * unresolved rejects, never the file ledger or an audit table.
 */
public final class Retention {

    /** The default age: rows older than this go (comfortably beyond any broker's redelivery window). */
    public static final Duration DEFAULT_AGE = Duration.ofDays(90);
    /** The default rows per batch. */
    public static final int DEFAULT_BATCH = 1000;
    /** The youngest cut-off allowed: a processed message may be redelivered for up to 14 days (SQS). */
    public static final Duration MINIMUM_AGE = Duration.ofDays(1);

    /** A purge: rows older than {@code olderThan}, {@code batchSize} per transaction; counted only when {@code dryRun}. */
    public record Request(Duration olderThan, int batchSize, boolean dryRun) {
        public Request {
            if (olderThan.compareTo(MINIMUM_AGE) < 0) {
                throw new IllegalArgumentException("--older-than must be at least " + MINIMUM_AGE.toDays() + "d: " + olderThan);
            }
            if (batchSize < 1 || batchSize > 100_000) throw new IllegalArgumentException("batch size must be 1..100000: " + batchSize);
        }
    }

    /** One kind of row purged: how many went (or would go), in how many batches. */
    public record Purged(String table, String rows, long count, int batches) {
    }

    /** What a purge did; {@code skipped} names what it could not purge and why. */
    public record Report(boolean dryRun, Duration olderThan, List<Purged> purged, List<String> skipped) {
        public long total() {
            return purged.stream().mapToLong(Purged::count).sum();
        }
    }

    private record Target(String table, String rows, String condition) {
    }

    private static final List<Target> TARGETS = List.of(
            new Target("processed_messages", "processed and failed message ids", "last_seen < now() - ?::interval"),
            new Target("outbox", "published outbox rows", "published_at IS NOT NULL AND published_at < now() - ?::interval"),
            new Target("rejected_records", "resolved rejects", "resolved_at IS NOT NULL AND resolved_at < now() - ?::interval"));

    private final TransactionRunner tx;

    public Retention(TransactionRunner tx) {
        this.tx = tx;
    }

    public Report purge(Request request) {
        List<Purged> purged = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        String age = request.olderThan().toSeconds() + " seconds";
        for (Target t : TARGETS) {
            if (t.table().equals("rejected_records") && !tx.inTransaction(c -> hasColumn(c, "rejected_records", "resolved_at"))) {
                skipped.add("rejected_records: no resolved_at column in this schema (rejects are never resolved yet); none purged");
                continue;
            }
            if (request.dryRun()) {
                long n = tx.inTransaction(c -> {
                    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + t.table() + " WHERE " + t.condition())) {
                        ps.setString(1, age);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    }
                });
                purged.add(new Purged(t.table(), t.rows(), n, 0));
                continue;
            }
            long total = 0;
            int batches = 0;
            while (true) {
                boolean rejects = t.table().equals("rejected_records");
                int n = tx.inTransaction(c -> {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t.table() + " WHERE ctid = ANY (ARRAY("
                            + "SELECT ctid FROM " + t.table() + " WHERE " + t.condition() + " LIMIT ? FOR UPDATE SKIP LOCKED))"
                            + (rejects ? " RETURNING file_id" : ""))) {
                        ps.setString(1, age);
                        ps.setInt(2, request.batchSize());
                        if (!rejects) return ps.executeUpdate();
                        // a file's deleted rejects are counted on its ledger row in the same transaction (check 02)
                        java.util.Map<Long, Long> perFile = new java.util.HashMap<>();
                        int deleted = 0;
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                deleted++;
                                long fileId = rs.getLong(1);
                                if (!rs.wasNull()) perFile.merge(fileId, 1L, Long::sum);
                            }
                        }
                        new FileLedger(tx).countPurgedRejects(c, perFile);
                        return deleted;
                    }
                });
                if (n == 0) break;
                total += n;
                batches++;
                if (n < request.batchSize()) break;
            }
            purged.add(new Purged(t.table(), t.rows(), total, batches));
        }
        return new Report(request.dryRun(), request.olderThan(), purged, skipped);
    }

    private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT 1 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?""")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
