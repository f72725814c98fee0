package io.inlet.ledger;

import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import io.inlet.store.TransactionRunner;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Paused feeds ({@code feed_pauses}) and the object versions held while they are
 * ({@code ingested_files} rows of status HELD). A pause is open from {@code pause} to {@code resume};
 * at most one is open per feed (a unique index).
 */
public final class FeedPauses {

    /** An open pause: who, when, why. */
    public record Pause(String feed, String pausedBy, String reason, Instant pausedAt) {
    }

    private final TransactionRunner tx;

    public FeedPauses(TransactionRunner tx) {
        this.tx = tx;
    }

    /** Pauses {@code feed}; returns the pause now open (an already open one is kept as it was). */
    public Pause pause(String feed, String by, String reason) {
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a pause needs a reason");
        return tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO feed_pauses (feed, paused_by, reason) VALUES (?, ?, ?)
                    ON CONFLICT (feed) WHERE resumed_at IS NULL DO NOTHING""")) {
                ps.setString(1, feed);
                ps.setString(2, by);
                ps.setString(3, reason);
                ps.executeUpdate();
            }
            return open(c, feed).orElseThrow();
        });
    }

    /** Closes the open pause of {@code feed}; returns it, or empty when the feed was not paused. */
    public Optional<Pause> resume(String feed, String by) {
        return tx.inTransaction(c -> {
            Optional<Pause> open = open(c, feed);
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE feed_pauses SET resumed_by = ?, resumed_at = now() WHERE feed = ? AND resumed_at IS NULL""")) {
                ps.setString(1, by);
                ps.setString(2, feed);
                ps.executeUpdate();
            }
            return open;
        });
    }

    /** Every open pause, by feed name. */
    public List<Pause> paused() {
        return tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT feed, paused_by, reason, paused_at FROM feed_pauses WHERE resumed_at IS NULL ORDER BY feed""")) {
                return pauses(ps);
            }
        });
    }

    /** The names of the paused feeds (one small query: the ingest path asks it per notification). */
    public Set<String> pausedNames() {
        Set<String> out = new LinkedHashSet<>();
        for (Pause p : paused()) out.add(p.feed());
        return out;
    }

    /**
     * Records the object version as HELD for {@code feed}, unless the ledger has it already. Returns
     * the row's id when the version is held (newly, or a redelivery of a held one: still one row);
     * empty when the ledger has it in another state (finished or in progress), which the caller
     * handles as usual.
     */
    public Optional<Long> hold(ObjectRef ref, String feed, ObjectSequencer sequencer) {
        return tx.inTransaction(c -> {
            new FileLedger(tx).hold(c, ref, feed, sequencer);
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT file_id, status FROM ingested_files
                     WHERE bucket = ? AND object_key = ? AND version_id = ? AND etag = ?""")) {
                ps.setString(1, ref.bucket());
                ps.setString(2, ref.key());
                ps.setString(3, nz(ref.version()));
                ps.setString(4, nz(ref.etag()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return FileStatus.fromDatabase(rs.getString(2)) == FileStatus.HELD ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
                }
            }
        });
    }

    /** The versions held for {@code feed}, in arrival order (ledger id). */
    public List<LedgerEntry> held(String feed) {
        return tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(FileStatus.inSql("SELECT " + LedgerEntry.COLUMNS
                    + " FROM ingested_files WHERE feed = ? AND status = {HELD} ORDER BY file_id"))) {
                ps.setString(1, feed);
                return LedgerEntry.read(ps);
            }
        });
    }

    /** How many versions each feed holds. */
    public java.util.Map<String, Long> heldCounts() {
        return tx.inTransaction(c -> {
            java.util.Map<String, Long> out = new java.util.TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    FileStatus.inSql("SELECT feed, count(*) FROM ingested_files WHERE status = {HELD} GROUP BY feed"));
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
            return out;
        });
    }

    private static Optional<Pause> open(java.sql.Connection c, String feed) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT feed, paused_by, reason, paused_at FROM feed_pauses WHERE feed = ? AND resumed_at IS NULL""")) {
            ps.setString(1, feed);
            return pauses(ps).stream().findFirst();
        }
    }

    private static List<Pause> pauses(PreparedStatement ps) throws java.sql.SQLException {
        List<Pause> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Timestamp at = rs.getTimestamp(4);
                out.add(new Pause(rs.getString(1), rs.getString(2), rs.getString(3), at.toInstant()));
            }
        }
        return out;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
