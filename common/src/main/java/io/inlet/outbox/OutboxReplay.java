package io.inlet.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Republishes stored events to a destination that lost them, through the relay: the destination's
 * published rows from an event position (or an outbox row creation time) on, optionally of one
 * stream, are set pending again, and with each such row every later published row of its stream,
 * so the relay sends them again in per-stream order (outbox order) with their original CloudEvent
 * ids (the event ids): consumers dedupe on them. Released rows stay released; rows not yet
 * published are left as they are (the relay sends them anyway, after the replayed ones of their
 * stream). Audited in {@code outbox_replays}; each replayed row names its replay. In the caller's
 * transaction.
 */
public final class OutboxReplay {

    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Where the replay starts: an event position (events of event tables only) or a time (every row). */
    public sealed interface From permits FromPosition, FromTime {
    }

    public record FromPosition(long position) implements From {
    }

    public record FromTime(Instant time) implements From {
    }

    /** One replay: destination, start, optional stream, who and why. */
    public record Request(String destination, From from, String streamId, String actor, String reason) {
    }

    /** What was set pending again: rows, the outbox id range, per stream count. */
    public record Result(long replayId, long rows, Long firstOutboxId, Long lastOutboxId, long streams) {
    }

    public Result replay(Connection c, Request r) throws SQLException {
        String seed;
        List<Object> params = new ArrayList<>();
        if (r.from() instanceof FromTime t) {
            seed = "SELECT o.outbox_id, o.stream_id FROM outbox o WHERE o.destination = ? AND o.published_at IS NOT NULL AND o.created_at >= ?";
            params.add(r.destination());
            params.add(Timestamp.from(t.time()));
        } else {
            long position = ((FromPosition) r.from()).position();
            List<String> parts = new ArrayList<>();
            for (String table : tables(c, r.destination())) {
                parts.add("SELECT o.outbox_id, o.stream_id FROM outbox o JOIN " + table + " e ON e.event_id = o.event_id "
                        + "WHERE o.destination = ? AND o.event_table = '" + table + "' AND o.published_at IS NOT NULL AND e.position >= ?");
                params.add(r.destination());
                params.add(position);
            }
            seed = parts.isEmpty() ? "SELECT NULL::bigint AS outbox_id, NULL::text AS stream_id WHERE false" : String.join(" UNION ALL ", parts);
        }
        long replayId = audit(c, r);
        String sql = """
                WITH seed AS (%s),
                starts AS (
                    SELECT stream_id, min(outbox_id) AS first_id FROM seed
                    WHERE ?::text IS NULL OR stream_id = ?::text
                    GROUP BY stream_id
                ),
                picked AS (
                    SELECT o.outbox_id FROM outbox o JOIN starts s ON o.stream_id IS NOT DISTINCT FROM s.stream_id
                    WHERE o.destination = ? AND o.outbox_id >= s.first_id AND o.published_at IS NOT NULL
                      AND (s.stream_id IS NOT NULL OR o.outbox_id IN (SELECT outbox_id FROM seed))
                ),
                reset AS (
                    UPDATE outbox o SET published_at = NULL, broker_message_id = NULL, attempts = 0, last_error = NULL,
                                        available_at = now(), blocked_at = NULL, replayed_by = ?
                    FROM picked p WHERE o.outbox_id = p.outbox_id
                    RETURNING o.outbox_id, o.stream_id
                )
                SELECT count(*), min(outbox_id), max(outbox_id), count(DISTINCT stream_id) FROM reset""".formatted(seed);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            for (Object v : params) ps.setObject(p++, v);
            ps.setString(p++, r.streamId());
            ps.setString(p++, r.streamId());
            ps.setString(p++, r.destination());
            ps.setLong(p, replayId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long rows = rs.getLong(1);
                long first = rs.getLong(2);
                Long firstId = rs.wasNull() ? null : first;
                long last = rs.getLong(3);
                Long lastId = rs.wasNull() ? null : last;
                Result result = new Result(replayId, rows, firstId, lastId, rs.getLong(4));
                try (PreparedStatement u = c.prepareStatement(
                        "UPDATE outbox_replays SET rows_replayed = ?, first_outbox_id = ?, last_outbox_id = ? WHERE replay_id = ?")) {
                    u.setLong(1, rows);
                    u.setObject(2, firstId, Types.BIGINT);
                    u.setObject(3, lastId, Types.BIGINT);
                    u.setLong(4, replayId);
                    u.executeUpdate();
                }
                return result;
            }
        }
    }

    private static List<String> tables(Connection c, String destination) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT event_table FROM outbox WHERE destination = ? AND event_table IS NOT NULL ORDER BY 1")) {
            ps.setString(1, destination);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String t = rs.getString(1);
                    if (!TABLE.matcher(t).matches()) throw new IllegalStateException("invalid event table name in the outbox: " + t);
                    out.add(t);
                }
            }
        }
        return out;
    }

    private static long audit(Connection c, Request r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO outbox_replays (destination, from_position, from_time, stream_id, actor, reason, rows_replayed)
                VALUES (?, ?, ?, ?, ?, ?, 0) RETURNING replay_id""")) {
            ps.setString(1, r.destination());
            ps.setObject(2, r.from() instanceof FromPosition p ? p.position() : null, Types.BIGINT);
            if (r.from() instanceof FromTime t) ps.setTimestamp(3, Timestamp.from(t.time())); else ps.setNull(3, Types.TIMESTAMP);
            ps.setString(4, r.streamId());
            ps.setString(5, r.actor());
            ps.setString(6, r.reason());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
