package io.inlet.ledger;

import io.inlet.source.ObjectRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One row of the file ledger as operators look at it: which object version, its status, its lease
 * and its checkpoint. Read by {@code inlet reprocess}, {@code unlock} and {@code feed resume}.
 *
 * @param leaseOwner     the holder while IN_PROGRESS (a released lease keeps a {@code released:} owner)
 * @param leaseExpiresAt when the holder's lease ends; null when the row has no lease
 * @param nextRecord     the checkpoint: the record the next claim continues from
 */
public record LedgerEntry(long fileId, String feed, ObjectRef ref, String status, String leaseOwner,
                          Instant leaseExpiresAt, long nextRecord, Counts counts, String firstError) {

    static final String COLUMNS = """
            file_id, feed, bucket, object_key, version_id, etag, size_bytes, status, lease_owner, lease_expires_at,
            next_record, records_read, appended, duplicate, conflict, rejected, first_error""";

    /** Whether the lease is live at {@code now}: held and not expired. */
    public boolean leaseLiveAt(Instant now) {
        return status.equals("IN_PROGRESS") && leaseExpiresAt != null && leaseExpiresAt.isAfter(now);
    }

    /** The row of {@code fileId}, if any. */
    public static Optional<LedgerEntry> byId(Connection c, long fileId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM ingested_files WHERE file_id = ?")) {
            ps.setLong(1, fileId);
            List<LedgerEntry> rows = read(ps);
            return rows.stream().findFirst();
        }
    }

    /**
     * The rows of a key, newest first; only those of {@code version} when it is not null (removal
     * rows left out: they stand for no content).
     */
    public static List<LedgerEntry> byKey(Connection c, String bucket, String key, String version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + """
                 FROM ingested_files
                WHERE bucket = ? AND object_key = ? AND (?::text IS NULL OR version_id = ?) AND status <> 'REMOVED'
                ORDER BY file_id DESC""")) {
            ps.setString(1, bucket);
            ps.setString(2, key);
            ps.setString(3, version);
            ps.setString(4, version);
            return read(ps);
        }
    }

    /** The object version of a ledger row (an empty version or etag is none). */
    static ObjectRef refOf(ResultSet rs) throws SQLException {
        long bytes = rs.getLong("size_bytes");
        Long size = rs.wasNull() ? null : bytes;
        return new ObjectRef(rs.getString("bucket"), rs.getString("object_key"), emptyToNull(rs.getString("version_id")),
                emptyToNull(rs.getString("etag")), size);
    }

    static List<LedgerEntry> read(PreparedStatement ps) throws SQLException {
        List<LedgerEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(of(rs));
        }
        return out;
    }

    static LedgerEntry of(ResultSet rs) throws SQLException {
        Timestamp until = rs.getTimestamp("lease_expires_at");
        return new LedgerEntry(rs.getLong("file_id"), rs.getString("feed"), refOf(rs), rs.getString("status"),
                rs.getString("lease_owner"), until == null ? null : until.toInstant(), rs.getLong("next_record"),
                new Counts(rs.getLong("records_read"), rs.getLong("appended"), rs.getLong("duplicate"),
                        rs.getLong("conflict"), rs.getLong("rejected")),
                rs.getString("first_error"));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
