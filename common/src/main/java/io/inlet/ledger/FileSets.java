package io.inlet.ledger;

import io.inlet.source.ObjectRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The file sets of gated feeds ({@code file_sets}, {@code file_set_members}): which held object
 * versions belong to which set, and where each set stands. The member rows themselves stay in
 * {@code ingested_files}, written by {@link FileLedger} only. Every method runs in the caller's
 * transaction; {@link #openSet} and {@link #lock} lock the set's row, so of two deliveries of one set
 * (a marker and a member at once, or a redelivered marker) one decides and the other waits for it.
 */
public final class FileSets {

    /** One set as stored. {@code manifest} is the manifest's JSON text (null for other gates). */
    public record FileSet(long setId, String feed, String bucket, String prefix, FileSetStatus status, Long markerFileId,
                          Integer expectedCount, String manifest, Instant openedAt, Instant deadlineAt, String reason) {
    }

    /** A member of a set: its ledger row and object version, and the row's status. */
    public record Member(long fileId, ObjectRef ref, FileStatus status) {
    }

    private static final String COLUMNS = """
            set_id, feed, bucket, prefix, status, marker_file_id, expected_count, manifest::text AS manifest, opened_at,
            deadline_at, reason""";

    /**
     * The open (WAITING or MARKED) set of the prefix, locked; a new WAITING one, with its deadline
     * {@code timeout} from now, when there is none.
     */
    public FileSet openSet(Connection c, String feed, String bucket, String prefix, Duration timeout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO file_sets (feed, bucket, prefix, status, deadline_at)
                VALUES (?, ?, ?, 'WAITING', now() + make_interval(secs => ?))
                ON CONFLICT (feed, bucket, prefix) WHERE status IN ('WAITING', 'MARKED') DO NOTHING""")) {
            ps.setString(1, feed);
            ps.setString(2, bucket);
            ps.setString(3, prefix);
            ps.setDouble(4, timeout.toMillis() / 1000.0);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + """
                 FROM file_sets WHERE feed = ? AND bucket = ? AND prefix = ? AND status IN ('WAITING', 'MARKED')
                FOR UPDATE""")) {
            ps.setString(1, feed);
            ps.setString(2, bucket);
            ps.setString(3, prefix);
            return one(ps).orElseThrow(() -> new IllegalStateException("open file set of " + bucket + "/" + prefix + " vanished"));
        }
    }

    /** The set {@code setId}, locked. */
    public FileSet lock(Connection c, long setId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM file_sets WHERE set_id = ? FOR UPDATE")) {
            ps.setLong(1, setId);
            return one(ps).orElseThrow(() -> new IllegalStateException("file set " + setId + " does not exist"));
        }
    }

    /** The set a ledger row belongs to, as member or as marker; empty when none. */
    public Optional<Long> setOf(Connection c, long fileId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT set_id FROM file_set_members WHERE file_id = ?
                UNION ALL SELECT set_id FROM file_sets WHERE marker_file_id = ?""")) {
            ps.setLong(1, fileId);
            ps.setLong(2, fileId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /** Adds a held version to the set (a redelivery adds nothing). */
    public void join(Connection c, long setId, long fileId, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO file_set_members (file_id, set_id, object_key) VALUES (?, ?, ?)
                ON CONFLICT (file_id) DO NOTHING""")) {
            ps.setLong(1, fileId);
            ps.setLong(2, setId);
            ps.setString(3, key);
            ps.executeUpdate();
        }
    }

    /**
     * Marks the set: its gate arrived ({@code markerFileId} the marker's ledger row, null for a count;
     * {@code manifest} the manifest's JSON, else null; {@code expectedCount} for a count, else null).
     */
    public void mark(Connection c, long setId, Long markerFileId, String manifest, Integer expectedCount) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE file_sets SET status = 'MARKED', marker_file_id = ?, manifest = ?::jsonb, expected_count = ?,
                       marked_at = now()
                 WHERE set_id = ? AND status = 'WAITING'""")) {
            if (markerFileId == null) ps.setNull(1, java.sql.Types.BIGINT); else ps.setLong(1, markerFileId);
            ps.setString(2, manifest);
            if (expectedCount == null) ps.setNull(3, java.sql.Types.INTEGER); else ps.setInt(3, expectedCount);
            ps.setLong(4, setId);
            ps.executeUpdate();
        }
    }

    /** The set's members with their ledger rows, oldest first. */
    public List<Member> members(Connection c, long setId) throws SQLException {
        List<Member> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT f.file_id, f.bucket, f.object_key, f.version_id, f.etag, f.size_bytes, f.status
                  FROM file_set_members m JOIN ingested_files f ON f.file_id = m.file_id
                 WHERE m.set_id = ? ORDER BY f.file_id""")) {
            ps.setLong(1, setId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Member(rs.getLong("file_id"), LedgerEntry.refOf(rs), FileStatus.fromDatabase(rs.getString("status"))));
                }
            }
        }
        return out;
    }

    /** Ends the set LOADED or REJECTED (with its reason). */
    public void finish(Connection c, long setId, FileSetStatus status, String reason) throws SQLException {
        if (status != FileSetStatus.LOADED && status != FileSetStatus.REJECTED) {
            throw new IllegalArgumentException("a set finishes LOADED or REJECTED, not " + status);
        }
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE file_sets SET status = ?, reason = ?, finished_at = now() WHERE set_id = ?""")) {
            ps.setString(1, status.name());
            ps.setString(2, reason);
            ps.setLong(3, setId);
            ps.executeUpdate();
        }
    }

    /** Open sets past their deadline at {@code now} not yet reported incomplete, locked (others skip them). */
    public List<FileSet> overdue(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + """
                 FROM file_sets WHERE status IN ('WAITING', 'MARKED') AND incomplete_reported_at IS NULL AND deadline_at <= ?
                ORDER BY set_id FOR UPDATE SKIP LOCKED""")) {
            ps.setTimestamp(1, Timestamp.from(now));
            return all(ps);
        }
    }

    /** Notes that the set's incompleteness was reported; false when it already was. */
    public boolean reportedIncomplete(Connection c, long setId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE file_sets SET incomplete_reported_at = now() WHERE set_id = ? AND incomplete_reported_at IS NULL""")) {
            ps.setLong(1, setId);
            return ps.executeUpdate() == 1;
        }
    }

    /** Every set of {@code feed}, newest first, at most {@code limit} (for {@code inlet status}). */
    public List<FileSet> recent(Connection c, String feed, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM file_sets WHERE feed = ? ORDER BY set_id DESC LIMIT ?")) {
            ps.setString(1, feed);
            ps.setInt(2, limit);
            return all(ps);
        }
    }

    /** How many members the set holds. */
    public int memberCount(Connection c, long setId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM file_set_members WHERE set_id = ?")) {
            ps.setLong(1, setId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Optional<FileSet> one(PreparedStatement ps) throws SQLException {
        List<FileSet> all = all(ps);
        return all.stream().findFirst();
    }

    private static List<FileSet> all(PreparedStatement ps) throws SQLException {
        List<FileSet> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long marker = rs.getLong("marker_file_id");
                Long markerId = rs.wasNull() ? null : marker;
                int count = rs.getInt("expected_count");
                Integer expected = rs.wasNull() ? null : count;
                out.add(new FileSet(rs.getLong("set_id"), rs.getString("feed"), rs.getString("bucket"), rs.getString("prefix"),
                        FileSetStatus.valueOf(rs.getString("status")), markerId, expected, rs.getString("manifest"),
                        rs.getTimestamp("opened_at").toInstant(), rs.getTimestamp("deadline_at").toInstant(),
                        rs.getString("reason")));
            }
        }
        return out;
    }
}
