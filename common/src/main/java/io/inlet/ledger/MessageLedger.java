package io.inlet.ledger;

import io.inlet.event.PostgresValues;
import io.inlet.store.AppendGate;
import io.inlet.store.EventStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The message ledger ({@code processed_messages}): which broker messages have been processed, and
 * which failed with what reason. The only writer of that table (IdempotencyTableOwnersTest).
 *
 * <p>Contract, in the shape of an idempotency store (get, put, update, delete of one record kind):
 * every method runs in the caller's transaction. {@link #putProcessed} is the idempotency check: of
 * concurrent callers for one key exactly one gets {@code true} (the others wait for its transaction
 * and then get {@code false}, or {@code true} if it rolled back), so a caller that appends the
 * message's events in the same transaction appends them at most once. A FAILED message may still
 * be processed later; a PROCESSED one never goes back to FAILED.
 */
public final class MessageLedger {

    /** The longest failure reason kept, in characters (the rest is cut). */
    public static final int MAX_REASON_LENGTH = 4000;

    /** One row of the ledger. */
    public record Entry(MessageKey key, MessageStatus status, String feed, int attempts, long appended,
                        long duplicate, long conflict, String reason, Instant firstSeen, Instant lastSeen) {
    }

    private static final String GET = """
            SELECT status, feed, attempts, appended, duplicate, conflict, reason, first_seen, last_seen
            FROM processed_messages WHERE channel = ? AND message_id = ?""";

    /** A new message, or one that failed before: it is PROCESSED from now on (if the caller commits). */
    private static final String PUT_PROCESSED = MessageStatus.inSql("""
            INSERT INTO processed_messages (channel, message_id, status, feed)
            VALUES (?, ?, {PROCESSED}, ?)
            ON CONFLICT (channel, message_id) DO UPDATE
               SET status = {PROCESSED}, attempts = processed_messages.attempts + 1, last_seen = now(),
                   feed = EXCLUDED.feed
             WHERE processed_messages.status = {FAILED}
            RETURNING 1""");

    /**
     * {@link #putProcessed} and {@link #updateCounts} as one CTE of the append's statement (the gate of
     * {@link EventStore#appendGated}): the row is written, with the append's counts, only for a message
     * that is new or failed before and whose events hold no conflict (a conflict's rejection must be
     * recorded in the same transaction: such a message takes the path of several statements).
     */
    private static final String CLAIM_GATE = MessageStatus.inSql("""
            INSERT INTO processed_messages (channel, message_id, status, feed, appended, duplicate, conflict)
            SELECT ?, ?, {PROCESSED}, ?, k.appended, k.duplicate, k.conflict FROM counts k WHERE k.conflict = 0
            ON CONFLICT (channel, message_id) DO UPDATE
               SET status = {PROCESSED}, attempts = processed_messages.attempts + 1, last_seen = now(),
                   feed = EXCLUDED.feed, appended = EXCLUDED.appended, duplicate = EXCLUDED.duplicate,
                   conflict = EXCLUDED.conflict, reason = NULL
             WHERE processed_messages.status = {FAILED}
            RETURNING 1""");

    private static final String UPDATE_COUNTS = """
            UPDATE processed_messages SET appended = ?, duplicate = ?, conflict = ?, reason = NULL
            WHERE channel = ? AND message_id = ?""";

    /** A failure counts an attempt and keeps the newest reason, unless the message was processed. */
    private static final String PUT_FAILED = MessageStatus.inSql("""
            INSERT INTO processed_messages (channel, message_id, status, feed, reason)
            VALUES (?, ?, {FAILED}, ?, ?)
            ON CONFLICT (channel, message_id) DO UPDATE
               SET attempts = processed_messages.attempts + 1, last_seen = now(), reason = EXCLUDED.reason
             WHERE processed_messages.status = {FAILED}""");

    private static final String DELETE = "DELETE FROM processed_messages WHERE channel = ? AND message_id = ?";

    /** The row of {@code key}, if any. */
    public Optional<Entry> get(Connection c, MessageKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(GET)) {
            bindKey(ps, 1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new Entry(key, MessageStatus.fromDatabase(rs.getString("status")), rs.getString("feed"),
                        rs.getInt("attempts"), rs.getLong("appended"), rs.getLong("duplicate"), rs.getLong("conflict"),
                        rs.getString("reason"), rs.getTimestamp("first_seen").toInstant(),
                        rs.getTimestamp("last_seen").toInstant()));
            }
        }
    }

    /**
     * Records {@code key} as processed by {@code feed}: true when this transaction takes it (new, or
     * failed before), false when it was processed already (a redelivery: append nothing).
     */
    public boolean putProcessed(Connection c, MessageKey key, String feed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PUT_PROCESSED)) {
            int p = bindKey(ps, 1, key);
            ps.setString(p, feed);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The claim of {@code key} for {@code feed} as the gate of an append ({@link EventStore#appendGated}):
     * the append goes ahead, and the message is PROCESSED with its counts, in the append's one statement,
     * exactly when {@link #putProcessed} would have returned true and the events hold no conflict. The
     * same row as {@link #putProcessed} then {@link #updateCounts} write (MessageLedgerTest proves it).
     */
    public AppendGate claimGate(MessageKey key, String feed) {
        return new AppendGate(CLAIM_GATE, List.of(PostgresValues.storable(key.channel()),
                PostgresValues.storable(key.messageId()), feed));
    }

    /** Records the counts of the events appended for {@code key} (its reason, if it had one, is cleared). */
    public void updateCounts(Connection c, MessageKey key, Counts counts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPDATE_COUNTS)) {
            ps.setLong(1, counts.appended());
            ps.setLong(2, counts.duplicate());
            ps.setLong(3, counts.conflict());
            bindKey(ps, 4, key);
            ps.executeUpdate();
        }
    }

    /**
     * Records a permanent failure of {@code key} (an attempt counted, {@code reason} kept, cut to
     * {@link #MAX_REASON_LENGTH}); nothing when it was processed. {@code feed} may be null (no feed
     * matched). Returns whether a row was written.
     */
    public boolean putFailed(Connection c, MessageKey key, String feed, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PUT_FAILED)) {
            int p = bindKey(ps, 1, key);
            ps.setString(p++, feed);
            // the reason may quote the very NUL that failed the message: stored visibly escaped
            ps.setString(p, PostgresValues.storable(reason.length() > MAX_REASON_LENGTH
                    ? reason.substring(0, MAX_REASON_LENGTH) : reason));
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Forgets {@code key}: a later delivery is processed as new (its events deduplicate by event id).
     * Returns whether there was a row.
     */
    public boolean delete(Connection c, MessageKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
            bindKey(ps, 1, key);
            return ps.executeUpdate() == 1;
        }
    }

    private static int bindKey(PreparedStatement ps, int p, MessageKey key) throws SQLException {
        // ids come from payloads (an S3 key in a direct notice's id, a forged Pub/Sub messageId): a NUL or an
        // unpaired surrogate would make PostgreSQL refuse the very row that records the failure, forever
        ps.setString(p++, PostgresValues.storable(key.channel()));
        ps.setString(p++, PostgresValues.storable(key.messageId()));
        return p;
    }
}
