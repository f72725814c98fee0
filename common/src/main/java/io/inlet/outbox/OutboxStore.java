package io.inlet.outbox;

import io.inlet.event.CloudEventWriter;
import io.inlet.event.TraceContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code outbox} table: derived events written with their events, claimed by relays with
 * {@code FOR UPDATE SKIP LOCKED}, marked published or retried later.
 */
public final class OutboxStore {

    /** Enqueues a derived event that is not stored in an event table (a file summary), idempotently. */
    public void enqueue(Connection c, String destination, UUID eventId, String eventType, String streamId,
                        String payloadJson) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO outbox (destination, event_id, event_type, stream_id, payload)
                VALUES (?, ?, ?, ?, ?::jsonb)
                ON CONFLICT ON CONSTRAINT outbox_once_per_destination DO NOTHING""")) {
            ps.setString(1, destination);
            ps.setObject(2, eventId);
            ps.setString(3, eventType);
            ps.setString(4, streamId);
            ps.setString(5, payloadJson);
            ps.executeUpdate();
        }
    }

    /**
     * Locks up to {@code limit} rows due by {@code dueBy} (oldest first), skipping rows other relays hold, and renders
     * them as CloudEvents. Only committed rows are visible, so an event's derived message can never
     * go out before the event itself is committed.
     */
    public List<OutboxMessage> claimDue(Connection c, int limit, Timestamp dueBy, CloudEventWriter writer)
            throws SQLException {
        record Row(long id, String destination, String table, UUID eventId, String type, String stream,
                   String payload, Timestamp created) {
        }
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT outbox_id, destination, event_table, event_id, event_type, stream_id, payload::text, created_at
                FROM outbox
                WHERE published_at IS NULL AND available_at <= ?
                ORDER BY available_at, outbox_id
                LIMIT ? FOR UPDATE SKIP LOCKED""")) {
            ps.setTimestamp(1, dueBy);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), (UUID) rs.getObject(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getTimestamp(8)));
                }
            }
        }
        Map<String, List<UUID>> idsByTable = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.table() != null) idsByTable.computeIfAbsent(r.table(), t -> new ArrayList<>()).add(r.eventId());
        }
        Map<String, Map<UUID, StoredEvent>> events = new HashMap<>();
        for (var e : idsByTable.entrySet()) events.put(e.getKey(), load(c, e.getKey(), e.getValue()));

        List<OutboxMessage> messages = new ArrayList<>(rows.size());
        for (Row r : rows) {
            if (r.table() == null) {
                messages.add(new OutboxMessage(r.id(), r.destination(), r.eventId(), r.type(), 1, r.stream(), null,
                        writer.write(r.eventId(), CloudEventWriter.sourceForTable("ledger"), r.type(), r.created().toInstant(), r.stream(), 1,
                                null, null, r.payload())));
                continue;
            }
            StoredEvent e = events.get(r.table()).get(r.eventId());
            if (e == null) {
                throw new IllegalStateException("outbox row " + r.id() + " references event " + r.eventId()
                        + " missing from " + r.table());
            }
            // A new span per message in the trace the correlation id names (when it is a trace id).
            TraceContext trace = TraceContext.childOf(e.correlationId()).orElse(null);
            messages.add(new OutboxMessage(r.id(), r.destination(), r.eventId(), r.type(), e.schemaVersion(),
                    e.streamId(), e.correlationId(),
                    writer.write(r.eventId(), CloudEventWriter.sourceForTable(r.table()), r.type(), e.occurredAt(), e.streamId(),
                            e.schemaVersion(), e.correlationId(), e.causationId(), trace, e.payload()),
                    trace == null ? null : trace.toTraceparent()));
        }
        return messages;
    }

    private record StoredEvent(String streamId, int schemaVersion, Instant occurredAt, String correlationId,
                               String causationId, String payload) {
    }

    private static Map<UUID, StoredEvent> load(Connection c, String table, List<UUID> ids) throws SQLException {
        Map<UUID, StoredEvent> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, stream_id, schema_version, occurred_at, "
                + "correlation_id, causation_id, payload::text FROM " + table + " WHERE event_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put((UUID) rs.getObject(1), new StoredEvent(rs.getString(2), rs.getInt(3),
                            rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        }
        return out;
    }

    public void markPublished(Connection c, Map<Long, String> published) throws SQLException {
        if (published.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE outbox SET published_at = now(), broker_message_id = ?, attempts = attempts + 1, last_error = NULL "
                        + "WHERE outbox_id = ?")) {
            for (var e : published.entrySet()) {
                ps.setString(1, e.getValue());
                ps.setLong(2, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Counts a failed attempt and makes the row due again after an exponential backoff. */
    public void markFailed(Connection c, Map<Long, String> failed, Duration base, Duration max) throws SQLException {
        if (failed.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE outbox SET attempts = attempts + 1, last_error = ?,
                       available_at = now() + least(make_interval(secs => ? * power(2, least(attempts, 20))),
                                                    make_interval(secs => ?))
                WHERE outbox_id = ?""")) {
            for (var e : failed.entrySet()) {
                ps.setString(1, e.getValue());
                ps.setDouble(2, base.toMillis() / 1000.0);
                ps.setDouble(3, max.toMillis() / 1000.0);
                ps.setLong(4, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Deletes published rows older than the retention; returns how many. */
    public long purgePublished(Connection c, Duration retention) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM outbox WHERE published_at < now() - make_interval(secs => ?)")) {
            ps.setDouble(1, retention.toMillis() / 1000.0);
            return ps.executeUpdate();
        }
    }

    /** The database's clock: a relay run takes only rows due when it started, so it never spins on its own failures. */
    public Timestamp now(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT now()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    /** Rows not yet published, and the age in seconds of the oldest (0 when none). */
    public Lag lag(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)
                FROM outbox WHERE published_at IS NULL""");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Lag(rs.getLong(1), rs.getDouble(2));
        }
    }

    /** Outbox backlog: unpublished rows and the age of the oldest, in seconds. */
    public record Lag(long pending, double oldestAgeSeconds) {
    }
}
