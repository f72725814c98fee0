package io.inlet.ledger;

import io.inlet.store.TransactionRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * Giving up a lease before it expires, audited in {@code lease_releases}. The checkpoint stays: the
 * next claim of the file resumes from it at once. A released lease keeps the row IN_PROGRESS with
 * the owner {@code released:<holder>} and an expiry of now: the old holder, should it still run,
 * can no longer checkpoint or finish (its writes name the owner), and any claimer may take over.
 *
 * <p>Live: a lease is live while it has not expired, unless the caller knows its holder is dead
 * (the CLI knows its own host's processes). Only a holder itself, or an operator with
 * {@code force}, releases a live lease.
 */
public final class Leases {

    /** Why a lease was given up early (the {@code kind} column of {@code lease_releases}). */
    public enum Kind { RELEASE, UNLOCK, TAKE_OVER, FORCED }

    /** The answer of {@link #unlock}. */
    public sealed interface Unlock {
        /** The lease was released; the next claim resumes from {@code nextRecord}. */
        record Released(long fileId, String holder, Instant expiresAt, boolean wasLive, long nextRecord) implements Unlock {
        }

        /** The holder's lease is live and no force was given: nothing changed. */
        record RefusedLive(long fileId, String holder, Instant expiresAt) implements Unlock {
        }

        /** The file is not in progress (finished, held, removed): there is no lease to release. */
        record NotLeased(long fileId, String status) implements Unlock {
        }

        /** No ledger row has that id. */
        record Unknown(long fileId) implements Unlock {
        }
    }

    /** An operator's request to release a file's lease. */
    public record UnlockRequest(long fileId, String operator, String reason, boolean force, Kind kind) {
        public UnlockRequest {
            if (operator == null || operator.isBlank()) throw new IllegalArgumentException("an unlock names its operator");
            if (kind == Kind.RELEASE) throw new IllegalArgumentException("RELEASE is the holder's own, not an operator's");
        }
    }

    private static final String RELEASED = "released:";

    private final TransactionRunner tx;

    public Leases(TransactionRunner tx) {
        this.tx = tx;
    }

    /**
     * Releases the lease of {@code request.fileId()} if its holder is dead: the lease expired, or
     * {@code knownDead} says so of the holder; a live one only with {@code force} (then audited as
     * FORCED). Atomic with respect to the holder's checkpoints (the row is locked).
     */
    public Unlock unlock(UnlockRequest request, Predicate<String> knownDead) {
        return tx.inTransaction(c -> {
            LedgerEntry e;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + LedgerEntry.COLUMNS
                    + ", lease_expires_at > now() AS live FROM ingested_files WHERE file_id = ? FOR UPDATE")) {
                ps.setLong(1, request.fileId());
                try (var rs = ps.executeQuery()) {
                    if (!rs.next()) return new Unlock.Unknown(request.fileId());
                    e = LedgerEntry.of(rs);
                    if (!e.status().equals("IN_PROGRESS")) return new Unlock.NotLeased(e.fileId(), e.status());
                    boolean live = rs.getBoolean("live") && !e.leaseOwner().startsWith(RELEASED)
                            && !knownDead.test(e.leaseOwner());
                    if (live && !request.force()) return new Unlock.RefusedLive(e.fileId(), e.leaseOwner(), e.leaseExpiresAt());
                    Kind kind = live ? Kind.FORCED : request.kind();
                    release(c, e, kind, request.operator(), request.reason());
                    return new Unlock.Released(e.fileId(), e.leaseOwner(), e.leaseExpiresAt(), live, e.nextRecord());
                }
            }
        });
    }

    /**
     * The holder gives up its own lease (Ctrl-C, SIGTERM), in its own transaction; returns whether
     * it still held it. The checkpoint stays.
     */
    public boolean releaseOwn(long fileId, String owner, String reason) {
        return tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(FileStatus.inSql("SELECT " + LedgerEntry.COLUMNS
                    + " FROM ingested_files WHERE file_id = ? AND lease_owner = ? AND status = {IN_PROGRESS} FOR UPDATE"))) {
                ps.setLong(1, fileId);
                ps.setString(2, owner);
                var rows = LedgerEntry.read(ps);
                if (rows.isEmpty()) return false;
                release(c, rows.get(0), Kind.RELEASE, owner, reason);
                return true;
            }
        });
    }

    private void release(Connection c, LedgerEntry e, Kind kind, String by, String reason) throws SQLException {
        String owner = e.leaseOwner().startsWith(RELEASED) ? e.leaseOwner() : RELEASED + e.leaseOwner();
        new FileLedger(tx).handOver(c, e.fileId(), owner);
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO lease_releases (file_id, kind, lease_owner, lease_expires_at, released_by, reason, next_record)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setLong(1, e.fileId());
            ps.setString(2, kind.name());
            ps.setString(3, e.leaseOwner());
            ps.setTimestamp(4, e.leaseExpiresAt() == null ? null : Timestamp.from(e.leaseExpiresAt()));
            ps.setString(5, by);
            ps.setString(6, reason);
            ps.setLong(7, e.nextRecord());
            ps.executeUpdate();
        }
    }
}
