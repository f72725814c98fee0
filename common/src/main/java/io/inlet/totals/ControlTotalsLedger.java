package io.inlet.totals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inlet.source.ObjectRef;
import io.inlet.store.TransactionRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The only writer of {@code control_totals}: each ledger row's verification (declared against
 * counted, per total), where its control records are, and how long it has waited for its sidecar.
 */
public final class ControlTotalsLedger {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The verification state of a file version. */
    public enum Status { WAITING, MATCHED, MISMATCHED, SIDECAR_LATE }

    /** A row as {@code inlet show} prints it. */
    public record Row(long fileId, Status status, String sidecarKey, Instant waitingSince, List<TotalsCheck> checks) {
    }

    private static final String UPSERT = """
            INSERT INTO control_totals (file_id, feed, status, sidecar_key, waiting_since, header_record, trailer_record, checks)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)
            ON CONFLICT (file_id) DO UPDATE SET status = EXCLUDED.status,
                sidecar_key = COALESCE(EXCLUDED.sidecar_key, control_totals.sidecar_key),
                waiting_since = EXCLUDED.waiting_since, header_record = EXCLUDED.header_record,
                trailer_record = EXCLUDED.trailer_record, checks = EXCLUDED.checks, updated_at = now()""";

    /** Records a verification (MATCHED or MISMATCHED), in the caller's transaction. */
    public void recordVerification(Connection c, long fileId, String feed, Verification v) throws SQLException {
        write(c, fileId, feed, v.matched() ? Status.MATCHED : Status.MISMATCHED, null, null, v.controls(), v.checks());
    }

    /**
     * Notes that the file waits for {@code sidecarKey}; returns since when it waits (the first time
     * it was noted: a redelivery or retry keeps that time, so the timeout is measured from arrival).
     */
    public Instant waiting(Connection c, long fileId, String feed, String sidecarKey, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO control_totals (file_id, feed, status, sidecar_key, waiting_since) VALUES (?, ?, 'WAITING', ?, ?)
                ON CONFLICT (file_id) DO UPDATE SET status = 'WAITING', sidecar_key = EXCLUDED.sidecar_key, updated_at = now(),
                    waiting_since = CASE WHEN control_totals.status = 'WAITING' THEN control_totals.waiting_since
                                         ELSE EXCLUDED.waiting_since END
                RETURNING waiting_since""")) {
            ps.setLong(1, fileId);
            ps.setString(2, feed);
            ps.setString(3, sidecarKey);
            ps.setTimestamp(4, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1).toInstant();
            }
        }
    }

    /** Records that the sidecar did not come in time. */
    public void sidecarLate(Connection c, long fileId, String feed, String sidecarKey, Instant since) throws SQLException {
        write(c, fileId, feed, Status.SIDECAR_LATE, sidecarKey, since, ControlRecords.NONE, List.of());
    }

    /** Where a file's control records are (for a load, which skips them); NONE when it has none or was never verified. */
    public ControlRecords controls(Connection c, long fileId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT header_record, trailer_record FROM control_totals WHERE file_id = ? AND status = 'MATCHED'")) {
            ps.setLong(1, fileId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return ControlRecords.NONE;
                return new ControlRecords((Long) rs.getObject(1), (Long) rs.getObject(2));
            }
        }
    }

    /**
     * The data files (ledger refs) in {@code bucket} that waited for the sidecar {@code sidecarKey}
     * and are not finished: still waiting, or verified and loading (a redelivered sidecar notice
     * continues a load its first delivery began).
     */
    public List<ObjectRef> waitingFor(TransactionRunner tx, String bucket, String sidecarKey) {
        return tx.inTransaction(c -> {
            List<ObjectRef> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT f.bucket, f.object_key, f.version_id, f.etag, f.size_bytes
                      FROM control_totals t JOIN ingested_files f USING (file_id)
                     WHERE t.status IN ('WAITING', 'MATCHED') AND t.sidecar_key = ? AND f.bucket = ? AND f.status = 'IN_PROGRESS'
                     ORDER BY t.file_id""")) {
                ps.setString(1, sidecarKey);
                ps.setString(2, bucket);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ObjectRef(rs.getString(1), rs.getString(2), emptyToNull(rs.getString(3)),
                                emptyToNull(rs.getString(4)), (Long) rs.getObject(5)));
                    }
                }
            }
            return out;
        });
    }

    /** The verification of a file, if it has one. */
    public Optional<Row> forFile(TransactionRunner tx, long fileId) {
        return tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT status, sidecar_key, waiting_since, checks::text FROM control_totals WHERE file_id = ?")) {
                ps.setLong(1, fileId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.<Row>empty();
                    List<TotalsCheck> checks = new ArrayList<>();
                    for (var n : JSON.readTree(rs.getString(4))) {
                        checks.add(new TotalsCheck(n.get("total").asText(), n.get("expected").asText(), n.get("actual").asText(),
                                n.get("matched").asBoolean()));
                    }
                    Timestamp since = rs.getTimestamp(3);
                    return Optional.of(new Row(fileId, Status.valueOf(rs.getString(1)), rs.getString(2),
                            since == null ? null : since.toInstant(), checks));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException("control_totals.checks of file " + fileId + " is not JSON", e);
                }
            }
        });
    }

    private void write(Connection c, long fileId, String feed, Status status, String sidecarKey, Instant since,
                       ControlRecords controls, List<TotalsCheck> checks) throws SQLException {
        ArrayNode array = JSON.createArrayNode();
        for (TotalsCheck check : checks) {
            ObjectNode n = array.addObject();
            n.put("total", check.total());
            n.put("expected", check.expected());
            n.put("actual", check.actual());
            n.put("matched", check.matched());
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            ps.setLong(1, fileId);
            ps.setString(2, feed);
            ps.setString(3, status.name());
            ps.setString(4, sidecarKey);
            if (since == null) ps.setNull(5, Types.TIMESTAMP_WITH_TIMEZONE); else ps.setTimestamp(5, Timestamp.from(since));
            if (controls.header() == null) ps.setNull(6, Types.BIGINT); else ps.setLong(6, controls.header());
            if (controls.trailer() == null) ps.setNull(7, Types.BIGINT); else ps.setLong(7, controls.trailer());
            ps.setString(8, array.toString());
            ps.executeUpdate();
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
