package io.inlet.ledger;

import io.inlet.trace.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import io.inlet.ledger.Counts;
import io.inlet.parse.ResumePoint;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import io.inlet.event.PostgresValues;
import io.inlet.store.TransactionRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The file ledger ({@code ingested_files}): which object versions have been ingested, who is
 * ingesting which right now, and how far they got.
 *
 * <p>Contract: {@link #claim} is atomic: of concurrent claimers of one object version exactly one
 * gets {@link Claim.Claimed}; the others get {@link Claim.Busy} until the lease expires, then one of
 * them may take over and resume from the last checkpoint. {@link #checkpoint} and {@link #finish}
 * run in the caller's transaction (with the batch's events) and fail with
 * {@link LeaseLostException} when the lease was taken over, which rolls the batch back: a worker
 * whose lease expired can never commit a batch.
 */
public final class FileLedger {

    private final TransactionRunner tx;

    public FileLedger(TransactionRunner tx) {
        this.tx = tx;
    }

    /**
     * The newest notification of the key that makes one with order key {@code ?} stale: a later token,
     * or, for a creation ({@code ?} true), a removal of the same token (GCS: the deletion of that very
     * generation; S3 never gives two notifications one sequencer).
     */
    private static final String NEWER = FileStatus.inSql("""
            WITH given AS (SELECT ?::text AS bucket, ?::text AS object_key, ?::text AS order_key, ?::boolean AS creation)
            SELECT f.sequencer FROM ingested_files f, given g
            WHERE f.bucket = g.bucket AND f.object_key = g.object_key AND f.order_key IS NOT NULL
              AND (f.order_key > g.order_key OR (g.creation AND f.order_key = g.order_key AND f.status = {REMOVED}))
            ORDER BY f.order_key DESC LIMIT 1""");

    private static final String CLAIM = FileStatus.inSql("""
            INSERT INTO ingested_files (feed, bucket, object_key, version_id, etag, size_bytes, sequencer, order_key,
                                        status, lease_owner, lease_expires_at, attempts, correlation_id, lanes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, {IN_PROGRESS}, ?, now() + make_interval(secs => ?), 1, ?, ?)
            ON CONFLICT ON CONSTRAINT ingested_files_object_identity DO UPDATE
               SET status = {IN_PROGRESS}, lease_owner = EXCLUDED.lease_owner, lease_expires_at = EXCLUDED.lease_expires_at,
                   attempts = ingested_files.attempts + 1, updated_at = now()
             -- a HELD version (held while its feed was paused) is claimed like a new one: the caller
             -- (Inlet) holds it again instead while its feed is paused
             WHERE ingested_files.status = {HELD}
                OR (ingested_files.status = {IN_PROGRESS}
               AND (ingested_files.lease_expires_at <= now()
                    OR (starts_with(ingested_files.lease_owner, ?) AND NOT (ingested_files.lease_owner = ANY (?::text[])))))
            RETURNING file_id, next_record, next_line, next_offset, records_read, appended, duplicate, conflict,
                      rejected, slices, correlation_id, lanes""");

    private static final String LANE_POSITIONS = """
            SELECT lane, next_record, next_line, next_offset FROM ingest_lanes WHERE file_id = ? ORDER BY lane""";

    private static final String CURRENT = """
            SELECT file_id, status, lease_owner, lease_expires_at, records_read, appended, duplicate, conflict,
                   rejected, first_error
            FROM ingested_files WHERE bucket = ? AND object_key = ? AND version_id = ? AND etag = ?""";

    /**
     * Claims the object version of {@code r} for its worker, or says why not: already finished, busy
     * under a live lease, or a stale notification. A first claim records the correlation id (a random
     * one when the request has none) and the lanes; every later claim of the file keeps both, so every
     * slice shares them (the lanes' positions depend on their number).
     */
    public Claim claim(ClaimRequest r) {
        return Tracing.span("inlet.ledger.claim", SpanKind.INTERNAL, () -> claimTraced(r), "inlet.object", r.ref().displayName());
    }

    private Claim claimTraced(ClaimRequest r) {
        ObjectRef ref = r.ref();
        ObjectSequencer sequencer = r.sequencer();
        LeaseOwners owners = r.owners();
        return tx.inTransaction(c -> {
            if (sequencer != null) {
                if (exists(c, ref)) {
                    // the same object version notified again, maybe re-uploaded after a removal (an
                    // unversioned key, same content): its row stands for the newest of its notifications
                    advance(c, ref, sequencer);
                } else {
                    Optional<String> newer = newer(c, ref, sequencer, true);
                    if (newer.isPresent()) return new Claim.Stale(newer.get());
                }
            }
            try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
                int p = bindNewRow(ps, r.feed(), ref, sequencer);
                ps.setString(p++, r.worker());
                ps.setDouble(p++, r.lease().toMillis() / 1000.0);
                ps.setString(p++, r.correlationId() != null ? r.correlationId() : UUID.randomUUID().toString());
                ps.setInt(p++, r.lanes());
                // no owners: the prefix matches no lease (owners never contain a NUL)
                ps.setString(p++, owners == null ? "\u0001none\u0001" : owners.prefix());
                ps.setArray(p, c.createArrayOf("text", owners == null ? new String[0] : owners.running()));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        long fileId = rs.getLong("file_id");
                        ResumePoint sliceStart = new ResumePoint(rs.getLong("next_record"), rs.getLong("next_line"),
                                rs.getLong("next_offset"));
                        int fileLanes = rs.getInt("lanes");
                        List<ResumePoint> positions = lanePositions(c, fileId, fileLanes, sliceStart);
                        ResumePoint from = positions.stream()
                                .min(Comparator.comparingLong(ResumePoint::nextRecordNumber)).orElseThrow();
                        return new Claim.Claimed(fileId, from, counts(rs), rs.getInt("slices") + 1,
                                rs.getString("correlation_id"), fileLanes, positions);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(CURRENT)) {
                bindIdentity(ps, ref);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw new IllegalStateException("ledger row of " + ref.displayName() + " vanished");
                    FileStatus status = FileStatus.fromDatabase(rs.getString("status"));
                    if (status == FileStatus.IN_PROGRESS) {
                        Timestamp until = rs.getTimestamp("lease_expires_at");
                        return new Claim.Busy(rs.getLong("file_id"), rs.getString("lease_owner"),
                                until == null ? null : until.toInstant());
                    }
                    return new Claim.Finished(rs.getLong("file_id"), status, counts(rs), rs.getString("first_error"));
                }
            }
        });
    }

    /**
     * Where each lane continues: its row in {@code ingest_lanes} when an earlier attempt of this slice
     * committed some of its records, else the slice's start (a lane row is never behind it).
     */
    private static List<ResumePoint> lanePositions(Connection c, long fileId, int lanes, ResumePoint sliceStart)
            throws SQLException {
        ResumePoint[] positions = new ResumePoint[lanes];
        Arrays.fill(positions, sliceStart);
        if (lanes > 1) {
            try (PreparedStatement ps = c.prepareStatement(LANE_POSITIONS)) {
                ps.setLong(1, fileId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int lane = rs.getInt("lane");
                        if (lane < lanes) {
                            positions[lane] = new ResumePoint(rs.getLong("next_record"), rs.getLong("next_line"),
                                    rs.getLong("next_offset"));
                        }
                    }
                }
            }
        }
        return List.of(positions);
    }

    /** The token of a notification of the key newer than one with {@code sequencer}, if any. */
    private static Optional<String> newer(Connection c, ObjectRef ref, ObjectSequencer sequencer, boolean creation)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(NEWER)) {
            ps.setString(1, ref.bucket());
            ps.setString(2, ref.key());
            ps.setString(3, sequencer.orderKey());
            ps.setBoolean(4, creation);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static final String ADVANCE = """
            WITH given AS (SELECT ?::text AS bucket, ?::text AS object_key, ?::text AS version_id, ?::text AS etag,
                                  ?::text AS sequencer, ?::text AS order_key)
            UPDATE ingested_files f SET sequencer = g.sequencer, order_key = g.order_key, updated_at = now()
              FROM given g
             WHERE f.bucket = g.bucket AND f.object_key = g.object_key AND f.version_id = g.version_id AND f.etag = g.etag
               AND (f.order_key IS NULL OR f.order_key < g.order_key)""";

    /** Moves the row of {@code ref} to {@code sequencer} if that is later than the one it holds. */
    private static void advance(Connection c, ObjectRef ref, ObjectSequencer sequencer) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ADVANCE)) {
            bindIdentity(ps, ref);
            ps.setString(5, sequencer.value());
            ps.setString(6, sequencer.orderKey());
            ps.executeUpdate();
        }
    }

    private static boolean exists(Connection c, ObjectRef ref) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CURRENT)) {
            bindIdentity(ps, ref);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The batch's values once each, by name; the first error is compared with the row as it stands
     * once this lane holds its lock (another lane may just have committed an earlier error), hence in
     * the SET expressions, not a subquery.
     */
    private static final String CHECKPOINT = FileStatus.inSql("""
            WITH given AS (
                SELECT ?::bigint AS file_id, ?::text AS worker, ?::boolean AS single_lane,
                       ?::bigint AS next_record, ?::bigint AS next_line, ?::bigint AS next_offset,
                       ?::bigint AS records_read, ?::bigint AS appended, ?::bigint AS duplicate,
                       ?::bigint AS conflict, ?::bigint AS rejected,
                       ?::text AS first_error, ?::bigint AS first_error_record, ?::double precision AS lease_seconds),
                 v AS (
                SELECT given.*, first_error IS NOT NULL AS has_error FROM given)
            UPDATE ingested_files f
               SET next_record = CASE WHEN v.single_lane THEN v.next_record ELSE f.next_record END,
                   next_line = CASE WHEN v.single_lane THEN v.next_line ELSE f.next_line END,
                   next_offset = CASE WHEN v.single_lane THEN v.next_offset ELSE f.next_offset END,
                   records_read = f.records_read + v.records_read, appended = f.appended + v.appended,
                   duplicate = f.duplicate + v.duplicate, conflict = f.conflict + v.conflict,
                   rejected = f.rejected + v.rejected,
                   first_error = CASE WHEN v.has_error AND (f.first_error IS NULL OR v.first_error_record < f.first_error_record)
                                      THEN v.first_error ELSE f.first_error END,
                   first_error_record = CASE WHEN v.has_error AND (f.first_error IS NULL OR v.first_error_record < f.first_error_record)
                                             THEN v.first_error_record ELSE f.first_error_record END,
                   failed_attempts = 0,
                   lease_expires_at = now() + make_interval(secs => v.lease_seconds), updated_at = now()
              FROM v
             WHERE f.file_id = v.file_id AND f.status = {IN_PROGRESS} AND f.lease_owner = v.worker""");

    /**
     * Records progress in the caller's transaction: the next resume point, the counts of the batch,
     * the first error, and a renewed lease. For a file appended over more than one lane the counts
     * and the lease go to the file's row and the position to the lane's row (the lanes commit
     * independently, so the file's resume point is the lowest of them, worked out by the next claim,
     * and set for good when the slice ends). The batch's first error replaces the file's if that is
     * of a later record (the lanes commit in no fixed order); without a record number it is kept
     * only if there is none yet. The lease lost raises {@link LeaseLostException}.
     */
    public void checkpoint(Connection c, CheckpointRequest r) throws SQLException {
        long fileId = r.fileId();
        String worker = r.worker();
        ResumePoint next = r.next();
        Counts delta = r.delta();
        boolean single = r.singleLane();
        try (PreparedStatement ps = c.prepareStatement(CHECKPOINT)) {
            int p = 1;
            ps.setLong(p++, fileId);
            ps.setString(p++, worker);
            ps.setBoolean(p++, single);
            ps.setLong(p++, next.nextRecordNumber());
            ps.setLong(p++, next.nextLineNumber());
            ps.setLong(p++, next.byteOffset());
            ps.setLong(p++, delta.read());
            ps.setLong(p++, delta.appended());
            ps.setLong(p++, delta.duplicate());
            ps.setLong(p++, delta.conflict());
            ps.setLong(p++, delta.rejected());
            ps.setString(p++, PostgresValues.storable(r.firstError())); // a rejected value's NUL is often the reason
            setLongOrNull(ps, p++, r.firstErrorRecord());
            ps.setDouble(p, r.lease().toMillis() / 1000.0);
            if (ps.executeUpdate() != 1) throw new LeaseLostException(fileId, worker);
        }
        if (single) return;
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO ingest_lanes (file_id, lane, next_record, next_line, next_offset)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (file_id, lane) DO UPDATE
                   SET next_record = EXCLUDED.next_record, next_line = EXCLUDED.next_line,
                       next_offset = EXCLUDED.next_offset, updated_at = now()""")) {
            ps.setLong(1, fileId);
            ps.setInt(2, r.lane());
            ps.setLong(3, next.nextRecordNumber());
            ps.setLong(4, next.nextLineNumber());
            ps.setLong(5, next.byteOffset());
            ps.executeUpdate();
        }
    }

    /** The file's first error as the ledger keeps it (the earliest record's), or null. */
    public String firstError(Connection c, long fileId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT first_error FROM ingested_files WHERE file_id = ?")) {
            ps.setLong(1, fileId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * The slice's values once each, by name. A suspended slice (IN_PROGRESS) keeps its lease owner
     * with the lease expired now; a REJECTED file's first error is why it was rejected, otherwise the
     * earliest record's error stays.
     */
    private static final String FINISH = FileStatus.inSql("""
            WITH given AS (
                SELECT ?::bigint AS file_id, ?::text AS worker, ?::text AS status,
                       ?::bigint AS next_record, ?::bigint AS next_line, ?::bigint AS next_offset,
                       ?::bigint AS spent_ms, ?::text AS content_sha256, ?::bigint AS duplicate_of, ?::text AS error),
                 v AS (
                SELECT given.*, status = {IN_PROGRESS} AS suspends, status = {REJECTED} AS rejects FROM given)
            UPDATE ingested_files f
               SET status = v.status, slices = f.slices + 1,
                   next_record = CASE WHEN v.suspends THEN v.next_record ELSE f.next_record END,
                   next_line = CASE WHEN v.suspends THEN v.next_line ELSE f.next_line END,
                   next_offset = CASE WHEN v.suspends THEN v.next_offset ELSE f.next_offset END,
                   lease_owner = CASE WHEN v.suspends THEN f.lease_owner END,
                   lease_expires_at = CASE WHEN v.suspends THEN now() END,
                   completed_at = CASE WHEN v.suspends THEN NULL ELSE now() END,
                   duration_ms = coalesce(f.duration_ms, 0) + v.spent_ms,
                   content_sha256 = coalesce(v.content_sha256, f.content_sha256), duplicate_of = v.duplicate_of,
                   first_error = CASE WHEN v.rejects THEN coalesce(v.error, f.first_error) ELSE coalesce(f.first_error, v.error) END,
                   failed_attempts = CASE WHEN v.rejects THEN f.failed_attempts ELSE 0 END, updated_at = now()
              FROM v
             WHERE f.file_id = v.file_id AND f.status = {IN_PROGRESS} AND f.lease_owner = v.worker
            RETURNING f.records_read, f.appended, f.duplicate, f.conflict, f.rejected, f.slices""");

    /**
     * Ends the worker's slice in the caller's transaction. Status IN_PROGRESS releases the lease for
     * the next slice (suspended), which resumes at the slice's end; a final status finishes the file.
     * The lanes' positions are dropped, except, for a suspended slice, those of lanes that stand
     * beyond its end. Returns the file's total counts; the lease lost raises {@link LeaseLostException}.
     */
    public Counts finish(Connection c, FinishRequest r) throws SQLException {
        long fileId = r.fileId();
        String worker = r.worker();
        FileStatus status = r.status();
        SliceRecord slice = r.slice();
        String error = r.error();
        Counts total;
        try (PreparedStatement ps = c.prepareStatement(FINISH)) {
            int p = 1;
            ps.setLong(p++, fileId);
            ps.setString(p++, worker);
            ps.setString(p++, status.databaseValue());
            ps.setLong(p++, slice.to().nextRecordNumber());
            ps.setLong(p++, slice.to().nextLineNumber());
            ps.setLong(p++, slice.to().byteOffset());
            ps.setLong(p++, r.spent().toMillis());
            ps.setString(p++, r.sha256());
            setLongOrNull(ps, p++, r.duplicateOf());
            ps.setString(p, PostgresValues.storable(error));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new LeaseLostException(fileId, worker);
                total = counts(rs);
                slice = slice.withNumber(rs.getInt("slices"));
            }
        }
        // A suspended slice keeps the rows of lanes that stand beyond its end: a resumed attempt whose
        // deadline struck before its lanes met again (one lane was a batch ahead) must not have that
        // lane redo, and count twice, what it committed.
        try (PreparedStatement ps = c.prepareStatement(FileStatus.inSql("""
                DELETE FROM ingest_lanes WHERE file_id = ? AND (? <> {IN_PROGRESS} OR next_record <= ?)"""))) {
            ps.setLong(1, fileId);
            ps.setString(2, status.databaseValue());
            ps.setLong(3, slice.to().nextRecordNumber());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO ingest_slices (file_id, slice_no, worker, from_record, to_record, from_offset, to_offset,
                                           started_at, outcome)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setLong(1, fileId);
            ps.setInt(2, slice.number());
            ps.setString(3, worker);
            ps.setLong(4, slice.from().nextRecordNumber());
            ps.setLong(5, slice.to().nextRecordNumber() - 1);
            ps.setLong(6, slice.from().byteOffset());
            ps.setLong(7, slice.to().byteOffset());
            ps.setTimestamp(8, Timestamp.from(slice.startedAt()));
            ps.setString(9, status.databaseValue());
            ps.executeUpdate();
        }
        return total;
    }

    /**
     * Releases the worker's lease on the file in the caller's transaction (the lease expires now; the
     * checkpoint stays), so that the next attempt need not wait for it. Returns whether the worker
     * held it; a lease already lost is not an error.
     */
    public boolean release(Connection c, long fileId, String worker) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RELEASE)) {
            ps.setLong(1, fileId);
            ps.setString(2, worker);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Notes the object version as HELD for {@code feed} (its feed is paused), in the caller's
     * transaction, unless the ledger has the version already (then nothing changes: a redelivery of
     * a held version is still one row).
     */
    public void hold(Connection c, ObjectRef ref, String feed, ObjectSequencer sequencer) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FileStatus.inSql("""
                INSERT INTO ingested_files (feed, bucket, object_key, version_id, etag, size_bytes, sequencer, order_key,
                                            status, correlation_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, {HELD}, ?)
                ON CONFLICT ON CONSTRAINT ingested_files_object_identity DO NOTHING"""))) {
            int p = 1;
            ps.setString(p++, feed);
            ps.setString(p++, ref.bucket());
            ps.setString(p++, ref.key());
            ps.setString(p++, nz(ref.version()));
            ps.setString(p++, nz(ref.etag()));
            if (ref.size() == null) ps.setNull(p++, java.sql.Types.BIGINT); else ps.setLong(p++, ref.size());
            ps.setString(p++, sequencer == null ? null : sequencer.value());
            ps.setString(p++, sequencer == null ? null : sequencer.orderKey());
            ps.setString(p, java.util.UUID.randomUUID().toString());
            ps.executeUpdate();
        }
    }

    /** The ledger row of an object version: its id and status. */
    public record Row(long fileId, FileStatus status) {
    }

    /** The row of {@code ref}'s object version, in the caller's transaction; empty when the ledger has none. */
    public Optional<Row> row(Connection c, ObjectRef ref) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT file_id, status FROM ingested_files WHERE bucket = ? AND object_key = ? AND version_id = ? AND etag = ?")) {
            bindIdentity(ps, ref);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Row(rs.getLong(1), FileStatus.fromDatabase(rs.getString(2))))
                        : Optional.empty();
            }
        }
    }

    /**
     * Records a HELD version REJECTED with {@code error}, in the caller's transaction (a member or
     * marker of a file set that was refused as a whole: nothing of it was loaded). Returns whether it
     * was HELD; a row in any other state is left as it is.
     */
    public boolean rejectHeld(Connection c, long fileId, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FileStatus.inSql("""
                UPDATE ingested_files SET status = {REJECTED}, first_error = ?, completed_at = now(), updated_at = now()
                 WHERE file_id = ? AND status = {HELD}"""))) {
            ps.setString(1, PostgresValues.storable(bounded(error)));
            ps.setLong(2, fileId);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Hands an IN_PROGRESS file's lease over to {@code newOwner}, expiring now (an operator's
     * release or unlock, audited by the caller); the checkpoint stays, so the next attempt resumes.
     */
    public void handOver(Connection c, long fileId, String newOwner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FileStatus.inSql("""
                UPDATE ingested_files SET lease_owner = ?, lease_expires_at = now(), updated_at = now()
                 WHERE file_id = ? AND status = {IN_PROGRESS}"""))) {
            ps.setString(1, newOwner);
            ps.setLong(2, fileId);
            ps.executeUpdate();
        }
    }

    /**
     * Reopens a finished version for one more run from its first record (a forced reprocess): IN_PROGRESS
     * under {@code owner} with an expired lease, counts and first error cleared (the count of rejects
     * retention purged too: the caller deletes the rest, and the run records its own), its lanes' positions
     * dropped. Its history (claims, slices, correlation id) stays.
     */
    public void reopen(Connection c, long fileId, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FileStatus.inSql("""
                UPDATE ingested_files
                   SET status = {IN_PROGRESS}, lease_owner = ?, lease_expires_at = now(),
                       next_record = 1, next_line = 1, next_offset = 0,
                       records_read = 0, appended = 0, duplicate = 0, conflict = 0, rejected = 0, rejects_purged = 0,
                       first_error = NULL, first_error_record = NULL, failed_attempts = 0, duplicate_of = NULL,
                       completed_at = NULL, updated_at = now()
                 WHERE file_id = ?"""))) {
            ps.setString(1, owner);
            ps.setLong(2, fileId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM ingest_lanes WHERE file_id = ?")) {
            ps.setLong(1, fileId);
            ps.executeUpdate();
        }
    }

    /**
     * Counts, in the caller's transaction, resolved rejects of each file that retention deleted
     * ({@code purged}: file id -> rows), so that check 02 still balances.
     */
    public void countPurgedRejects(Connection c, java.util.Map<Long, Long> purged) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE ingested_files SET rejects_purged = rejects_purged + ? WHERE file_id = ?")) {
            for (var e : purged.entrySet()) {
                ps.setLong(1, e.getValue());
                ps.setLong(2, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static final String RELEASE = FileStatus.inSql("""
            UPDATE ingested_files SET lease_expires_at = now()
            WHERE file_id = ? AND lease_owner = ? AND status = {IN_PROGRESS}""");

    /** The longest reason {@link #recordFailure} keeps, in characters (the rest is cut, and says so). */
    public static final int MAX_FAILURE_LENGTH = 2000;

    /**
     * Records, in the caller's transaction, that this worker's attempt failed with {@code reason}
     * (an error known to be neither transient nor permanent): the file's count of failed attempts
     * goes up by one and the reason is kept. While the count before this failure was below
     * {@code maxFailedAttempts} the lease is released in the same statement, for another attempt;
     * otherwise the lease is kept, for the caller to record the file REJECTED. Returns the new count;
     * the lease lost (another worker holds the file) raises {@link LeaseLostException}.
     */
    public int recordFailure(Connection c, long fileId, String worker, String reason, int maxFailedAttempts)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FileStatus.inSql("""
                UPDATE ingested_files
                   SET failed_attempts = failed_attempts + 1, last_failure = ?,
                       lease_expires_at = CASE WHEN failed_attempts < ? THEN now() ELSE lease_expires_at END,
                       updated_at = now()
                 WHERE file_id = ? AND status = {IN_PROGRESS} AND lease_owner = ?
                RETURNING failed_attempts"""))) {
            ps.setString(1, PostgresValues.storable(bounded(reason)));
            ps.setInt(2, maxFailedAttempts);
            ps.setLong(3, fileId);
            ps.setString(4, worker);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new LeaseLostException(fileId, worker);
                return rs.getInt(1);
            }
        }
    }

    /** {@code reason} cut to {@link #MAX_FAILURE_LENGTH} characters (never inside a surrogate pair). */
    static String bounded(String reason) {
        if (reason == null) return "(no reason given)";
        if (reason.length() <= MAX_FAILURE_LENGTH) return reason;
        int end = MAX_FAILURE_LENGTH;
        if (Character.isHighSurrogate(reason.charAt(end - 1))) end--;
        return reason.substring(0, end) + "... (" + (reason.length() - end) + " more characters)";
    }

    /**
     * A local file loaded before its identity was its content (its etag was size-mtime until issue 13):
     * the COMPLETED row of the same bucket and key whose content has this SHA-256, so that the first
     * run after the upgrade does not load the same bytes again as a new version.
     */
    public Optional<Claim.Finished> completedBeforeContentIdentity(Connection c, String bucket, String key, String sha256)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FileStatus.inSql("""
                SELECT file_id, records_read, appended, duplicate, conflict, rejected, first_error FROM ingested_files
                WHERE bucket = ? AND object_key = ? AND content_sha256 = ? AND status = {COMPLETED}
                  AND etag NOT LIKE 'sha256:%' ORDER BY file_id LIMIT 1"""))) {
            ps.setString(1, bucket);
            ps.setString(2, key);
            ps.setString(3, sha256);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new Claim.Finished(rs.getLong(1), FileStatus.COMPLETED,
                        new Counts(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)), rs.getString(7)));
            }
        }
    }

    /** A completed file with the same content under another identity, if any. */
    public Optional<Long> completedWithContent(Connection c, String sha256, long exceptFileId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FileStatus.inSql("""
                SELECT file_id FROM ingested_files
                WHERE content_sha256 = ? AND status = {COMPLETED} AND file_id <> ? ORDER BY file_id LIMIT 1"""))) {
            ps.setString(1, sha256);
            ps.setLong(2, exceptFileId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /**
     * Records a removal notice; idempotent. The removal row never carries the content hash (a GCS
     * deletion names the md5 of the generation it deletes, which would make it that generation's own
     * ingestion row). A removal older than a notification already recorded for the key (by
     * {@code sequencer}) records nothing: the key still holds that newer version.
     */
    public Removal recordRemoval(ObjectRef ref, String feed, ObjectSequencer sequencer) {
        ObjectRef removal = new ObjectRef(ref.bucket(), ref.key(), ref.version(), null, null);
        return tx.inTransaction(c -> {
            if (sequencer != null) {
                Optional<String> newer = newer(c, removal, sequencer, false);
                if (newer.isPresent()) return new Removal.Stale(newer.get());
            }
            try (PreparedStatement ps = c.prepareStatement(FileStatus.inSql("""
                    INSERT INTO ingested_files (feed, bucket, object_key, version_id, etag, size_bytes, sequencer, order_key,
                                                status, completed_at, correlation_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, {REMOVED}, now(), ?)
                    ON CONFLICT ON CONSTRAINT ingested_files_object_identity DO UPDATE
                       SET updated_at = now(),
                           -- removed again (an unversioned key deleted, re-created, deleted): the newest removal
                           sequencer = CASE WHEN ingested_files.order_key IS NULL OR EXCLUDED.order_key > ingested_files.order_key
                                            THEN EXCLUDED.sequencer ELSE ingested_files.sequencer END,
                           order_key = greatest(ingested_files.order_key, EXCLUDED.order_key)
                    RETURNING file_id"""))) {
                int p = bindNewRow(ps, feed, removal, sequencer);
                ps.setString(p, UUID.randomUUID().toString());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Removal.Recorded(rs.getLong(1));
                }
            }
        });
    }

    /** Binds feed, identity, size and sequencer of a new ledger row; returns the next parameter index. */
    private static int bindNewRow(PreparedStatement ps, String feed, ObjectRef ref, ObjectSequencer sequencer)
            throws SQLException {
        int p = 1;
        ps.setString(p++, feed);
        ps.setString(p++, ref.bucket());
        ps.setString(p++, ref.key());
        ps.setString(p++, nz(ref.version()));
        ps.setString(p++, nz(ref.etag()));
        if (ref.size() == null) ps.setNull(p++, java.sql.Types.BIGINT); else ps.setLong(p++, ref.size());
        ps.setString(p++, sequencer == null ? null : sequencer.value());
        ps.setString(p++, sequencer == null ? null : sequencer.orderKey());
        return p;
    }

    private static void bindIdentity(PreparedStatement ps, ObjectRef ref) throws SQLException {
        ps.setString(1, ref.bucket());
        ps.setString(2, ref.key());
        ps.setString(3, nz(ref.version()));
        ps.setString(4, nz(ref.etag()));
    }

    private static Counts counts(ResultSet rs) throws SQLException {
        return new Counts(rs.getLong("records_read"), rs.getLong("appended"), rs.getLong("duplicate"),
                rs.getLong("conflict"), rs.getLong("rejected"));
    }

    private static void setLongOrNull(PreparedStatement ps, int p, Long record) throws SQLException {
        if (record == null) ps.setNull(p, java.sql.Types.BIGINT); else ps.setLong(p, record);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
