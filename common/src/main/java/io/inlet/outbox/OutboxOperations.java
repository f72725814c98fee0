package io.inlet.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What an operator does with the outbox (the {@code inlet outbox} commands): the backlog per
 * destination, the blocked rows, and the two ways to free a stream a blocked row holds, each audited
 * in {@code outbox_interventions} with who, when and why.
 *
 * <ul>
 *   <li><b>retry</b>: an unfinished row (blocked, or backing off) goes again at the relay's next run
 *       with its attempts reset to 0; if it keeps failing it is blocked again after the attempt
 *       limit. Its stream's later rows still wait for it.</li>
 *   <li><b>release</b> (the {@code unblock} command): a blocked row is let go without being published:
 *       its stream moves on and the row is kept, with its last error, as released. Its event stays
 *       in its table; a consumer that needs it gets it by a replay.</li>
 * </ul>
 * Both make the stream's deferred rows due at once. Each method runs in the caller's transaction.
 */
public final class OutboxOperations {

    /** The state of one outbox row. */
    public enum RowState { PENDING, BLOCKED, RELEASED, PUBLISHED }

    /** An operator action on a row. */
    public enum Action { RETRY, RELEASE }

    /** One destination's outbox. Pending counts unfinished rows, blocked ones included. */
    public record DestinationStatus(String destination, long pending, long due, long backingOff, long blocked,
                                    long released, long published, double oldestPendingAgeSeconds) {
    }

    /**
     * A blocked row.
     *
     * @param waiting later unfinished rows of its stream for this destination that wait behind it
     */
    public record BlockedRow(long outboxId, String destination, String streamId, UUID eventId, String eventType,
                             String eventTable, int attempts, Instant createdAt, Instant blockedAt, String lastError,
                             long waiting) {
    }

    /** What an operator action did: the row as it was before. */
    public record Intervention(long outboxId, Action action, String destination, String streamId, UUID eventId,
                               RowState stateBefore, int attemptsBefore, String lastError) {
    }

    /** An action asked of a row that does not exist or is not in a state the action applies to. */
    public static final class RowStateException extends RuntimeException {
        public RowStateException(String message) {
            super(message);
        }
    }

    public List<DestinationStatus> status(Connection c) throws SQLException {
        List<DestinationStatus> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT destination,
                       count(*) FILTER (WHERE published_at IS NULL AND released_at IS NULL),
                       count(*) FILTER (WHERE published_at IS NULL AND released_at IS NULL AND blocked_at IS NULL
                                          AND available_at <= now()),
                       count(*) FILTER (WHERE published_at IS NULL AND released_at IS NULL AND blocked_at IS NULL
                                          AND available_at > now()),
                       count(*) FILTER (WHERE published_at IS NULL AND released_at IS NULL AND blocked_at IS NOT NULL),
                       count(*) FILTER (WHERE released_at IS NOT NULL),
                       count(*) FILTER (WHERE published_at IS NOT NULL),
                       coalesce(extract(epoch FROM now() - min(created_at)
                                FILTER (WHERE published_at IS NULL AND released_at IS NULL)), 0)
                FROM outbox GROUP BY destination ORDER BY destination""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new DestinationStatus(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7), rs.getDouble(8)));
            }
        }
        return out;
    }

    /** Blocked rows, oldest first, of one destination or all ({@code destination} null). */
    public List<BlockedRow> blocked(Connection c, String destination, int limit) throws SQLException {
        List<BlockedRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT o.outbox_id, o.destination, o.stream_id, o.event_id, o.event_type, o.event_table, o.attempts,
                       o.created_at, o.blocked_at, o.last_error,
                       (SELECT count(*) FROM outbox f
                        WHERE f.destination = o.destination AND f.stream_id = o.stream_id AND f.outbox_id > o.outbox_id
                          AND f.published_at IS NULL AND f.released_at IS NULL)
                FROM outbox o
                WHERE o.blocked_at IS NOT NULL AND o.published_at IS NULL AND o.released_at IS NULL
                  AND (?::text IS NULL OR o.destination = ?)
                ORDER BY o.blocked_at, o.outbox_id LIMIT ?""")) {
            ps.setString(1, destination);
            ps.setString(2, destination);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new BlockedRow(rs.getLong(1), rs.getString(2), rs.getString(3), (UUID) rs.getObject(4),
                            rs.getString(5), rs.getString(6), rs.getInt(7), rs.getTimestamp(8).toInstant(),
                            rs.getTimestamp(9).toInstant(), rs.getString(10), rs.getLong(11)));
                }
            }
        }
        return out;
    }

    /** Ids of the blocked rows of one destination or all, oldest first. */
    public List<Long> blockedIds(Connection c, String destination) throws SQLException {
        return blocked(c, destination, Integer.MAX_VALUE).stream().map(BlockedRow::outboxId).toList();
    }

    /** Makes an unfinished row (blocked or backing off) due now with its attempts reset; audited. */
    public Intervention retry(Connection c, long outboxId, String actor, String reason) throws SQLException {
        Intervention before = lockForAction(c, outboxId, Action.RETRY, actor, reason);
        if (before.stateBefore() != RowState.PENDING && before.stateBefore() != RowState.BLOCKED) {
            throw new RowStateException("outbox row " + outboxId + " is " + before.stateBefore()
                    + ": only a pending or blocked row can be retried");
        }
        update(c, "UPDATE outbox SET attempts = 0, blocked_at = NULL, available_at = now() WHERE outbox_id = ?", outboxId);
        undefer(c, before);
        audit(c, before, actor, reason);
        return before;
    }

    /** Lets a blocked row go unpublished so its stream moves on; the row is kept as released; audited. */
    public Intervention release(Connection c, long outboxId, String actor, String reason) throws SQLException {
        Intervention before = lockForAction(c, outboxId, Action.RELEASE, actor, reason);
        if (before.stateBefore() != RowState.BLOCKED) {
            throw new RowStateException("outbox row " + outboxId + " is " + before.stateBefore()
                    + ": only a blocked row can be released (retry a pending one, or wait for the relay)");
        }
        update(c, "UPDATE outbox SET released_at = now() WHERE outbox_id = ?", outboxId);
        undefer(c, before);
        audit(c, before, actor, reason);
        return before;
    }

    private static Intervention lockForAction(Connection c, long outboxId, Action action, String actor, String reason)
            throws SQLException {
        if (actor == null || actor.isBlank()) throw new IllegalArgumentException("an outbox " + action + " needs an actor");
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("an outbox " + action + " needs a reason");
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT destination, stream_id, event_id, attempts, last_error,
                       CASE WHEN published_at IS NOT NULL THEN 'PUBLISHED' WHEN released_at IS NOT NULL THEN 'RELEASED'
                            WHEN blocked_at IS NOT NULL THEN 'BLOCKED' ELSE 'PENDING' END
                FROM outbox WHERE outbox_id = ? FOR UPDATE NOWAIT""")) {
            ps.setLong(1, outboxId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new RowStateException("no outbox row " + outboxId + " (purged, or never existed)");
                return new Intervention(outboxId, action, rs.getString(1), rs.getString(2), (UUID) rs.getObject(3),
                        RowState.valueOf(rs.getString(6)), rs.getInt(4), rs.getString(5));
            }
        } catch (SQLException e) {
            if ("55P03".equals(e.getSQLState())) {
                throw new RowStateException("outbox row " + outboxId + " is being published by a relay right now; try again");
            }
            throw e;
        }
    }

    /** The stream's rows deferred behind the row become due now (the relay moved them while it held the stream). */
    private static void undefer(Connection c, Intervention row) throws SQLException {
        if (row.streamId() == null) return;
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE outbox SET available_at = now()
                WHERE destination = ? AND stream_id = ? AND outbox_id > ? AND available_at > now()
                  AND published_at IS NULL AND released_at IS NULL AND blocked_at IS NULL""")) {
            ps.setString(1, row.destination());
            ps.setString(2, row.streamId());
            ps.setLong(3, row.outboxId());
            ps.executeUpdate();
        }
    }

    private static void audit(Connection c, Intervention row, String actor, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO outbox_interventions (outbox_id, destination, stream_id, event_id, action, actor, reason,
                                                  attempts, last_error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setLong(1, row.outboxId());
            ps.setString(2, row.destination());
            ps.setString(3, row.streamId());
            ps.setObject(4, row.eventId());
            ps.setString(5, row.action().name());
            ps.setString(6, actor);
            ps.setString(7, reason);
            ps.setInt(8, row.attemptsBefore());
            ps.setString(9, row.lastError());
            ps.executeUpdate();
        }
    }

    private static void update(Connection c, String sql, long outboxId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, outboxId);
            ps.executeUpdate();
        }
    }
}
