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
     * Claims up to {@code limit} rows due by {@code dueBy}, each the head of its (destination, stream)
     * or right behind a head this claim holds ({@link StreamHeadClaim}), skipping rows other relays
     * hold, and renders them as CloudEvents in outbox order. Followers of streams held by a backing-off
     * row are deferred to its retry time, those of a blocked row by {@code blockedHold}. Only committed
     * rows are visible, so an event's derived message can never go out before the event is committed.
     */
    public Claim claimDue(Connection c, int limit, Timestamp dueBy, Duration blockedHold, CloudEventWriter writer)
            throws SQLException {
        return claimDue(c, limit, dueBy, blockedHold, writer, DestinationVersions.NONE);
    }

    /**
     * As {@link #claimDue(Connection, int, Timestamp, Duration, CloudEventWriter)}, each payload at the
     * version its destination asks for; a row whose payload cannot be upcast is left out of the
     * messages and named, with the reason, in {@link Claim#unrendered()}.
     */
    public Claim claimDue(Connection c, int limit, Timestamp dueBy, Duration blockedHold, CloudEventWriter writer,
                          DestinationVersions versions) throws SQLException {
        return claimDue(c, limit, dueBy, blockedHold, writer, versions, java.util.Set.of());
    }

    /**
     * As {@link #claimDue(Connection, int, Timestamp, Duration, CloudEventWriter, DestinationVersions)}
     * in a transaction that already claimed the rows {@code inFlight} and has not marked them yet
     * (they are being sent): none of them is claimed again, nor any row of their streams.
     */
    public Claim claimDue(Connection c, int limit, Timestamp dueBy, Duration blockedHold, CloudEventWriter writer,
                          DestinationVersions versions, java.util.Set<Long> inFlight) throws SQLException {
        StreamHeadClaim.Claimed claimed = new StreamHeadClaim().claim(c, limit, dueBy,
                new Timestamp(dueBy.getTime() + blockedHold.toMillis()), inFlight);
        Map<Long, String> unrendered = new LinkedHashMap<>();
        return new Claim(render(c, claimed.rows(), writer, versions, unrendered), claimed.deferred(), unrendered);
    }

    /**
     * The messages of one claim in outbox order, how many rows of held streams it deferred, and the
     * rows that could not be rendered at their destination's version (outbox id -> reason).
     */
    public record Claim(List<OutboxMessage> messages, int deferred, Map<Long, String> unrendered) {
        public Claim(List<OutboxMessage> messages, int deferred) {
            this(messages, deferred, Map.of());
        }

        /** True when it claimed no row (it may still have deferred some). */
        public boolean isEmpty() {
            return messages.isEmpty() && unrendered.isEmpty();
        }
    }

    /** As {@link #claimDue(Connection, int, Timestamp, Duration, CloudEventWriter)}, deferring blocked streams by 15 minutes. */
    public List<OutboxMessage> claimDue(Connection c, int limit, Timestamp dueBy, CloudEventWriter writer)
            throws SQLException {
        return claimDue(c, limit, dueBy, Duration.ofMinutes(15), writer).messages();
    }

    private List<OutboxMessage> render(Connection c, List<StreamHeadClaim.Row> rows, CloudEventWriter writer,
                                       DestinationVersions versions, Map<Long, String> unrendered) throws SQLException {
        Map<String, List<UUID>> idsByTable = new LinkedHashMap<>();
        for (StreamHeadClaim.Row r : rows) {
            if (r.table() != null) idsByTable.computeIfAbsent(r.table(), t -> new ArrayList<>()).add(r.eventId());
        }
        Map<String, Map<UUID, StoredEvent>> events = new HashMap<>();
        for (var e : idsByTable.entrySet()) events.put(e.getKey(), load(c, e.getKey(), e.getValue()));

        List<OutboxMessage> messages = new ArrayList<>(rows.size());
        java.util.Set<List<String>> held = new java.util.HashSet<>();
        for (StreamHeadClaim.Row r : rows) {
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
            // behind an unrendered row its stream waits (left pending), so a destination never sees it out of order
            if (held.contains(List.of(r.destination(), e.streamId()))) continue;
            TraceContext trace = TraceContext.childOf(e.correlationId()).orElse(null);
            DestinationVersions.Rendered at;
            try {
                at = versions.render(r.destination(), r.type(), e.schemaVersion(), e.payload());
            } catch (io.inlet.event.UpcastException ex) {
                unrendered.put(r.id(), "cannot render for destination '" + r.destination() + "': " + ex.getMessage());
                held.add(List.of(r.destination(), e.streamId()));
                continue;
            }
            messages.add(new OutboxMessage(r.id(), r.destination(), r.eventId(), r.type(), at.version(),
                    e.streamId(), e.correlationId(),
                    writer.write(r.eventId(), CloudEventWriter.sourceForTable(r.table()), r.type(), e.occurredAt(), e.streamId(),
                            at.version(), e.correlationId(), e.causationId(), trace, at.payloadJson()),
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

    /**
     * Marks rows published, all with one time read from the clock after the publish ({@code clock_timestamp()},
     * not the transaction's start): a relay that claimed a stream's next row only after this batch
     * committed marks it later, so publication times follow each stream's order (check 09).
     */
    public void markPublished(Connection c, Map<Long, String> published) throws SQLException {
        if (published.isEmpty()) return;
        // one statement for the whole slice, not one execution per row
        try (PreparedStatement ps = c.prepareStatement("""
                WITH at AS MATERIALIZED (SELECT clock_timestamp() AS t)
                UPDATE outbox o SET published_at = at.t, broker_message_id = d.message_id, attempts = o.attempts + 1,
                                    last_error = NULL
                FROM unnest(?::bigint[], ?::text[]) AS d(outbox_id, message_id), at
                WHERE o.outbox_id = d.outbox_id""")) {
            Long[] ids = new Long[published.size()];
            String[] messageIds = new String[published.size()];
            int i = 0;
            for (var e : published.entrySet()) {
                ids[i] = e.getKey();
                messageIds[i++] = e.getValue();
            }
            ps.setArray(1, c.createArrayOf("bigint", ids));
            ps.setArray(2, c.createArrayOf("text", messageIds));
            ps.executeUpdate();
        }
    }

    /**
     * Counts a failed attempt and makes the row due again after an exponential backoff; the attempt
     * that reaches {@code maxAttempts} blocks the row instead (it keeps holding its stream). Returns
     * how many rows this call blocked.
     */
    public int markFailed(Connection c, Map<Long, String> failed, Duration base, Duration max, int maxAttempts)
            throws SQLException {
        if (failed.isEmpty()) return 0;
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE outbox SET attempts = attempts + 1, last_error = ?,
                       blocked_at = CASE WHEN attempts + 1 >= ? THEN now() END,
                       available_at = CASE WHEN attempts + 1 >= ? THEN available_at
                                           ELSE now() + least(make_interval(secs => ? * power(2, least(attempts, 20))),
                                                              make_interval(secs => ?)) END
                WHERE outbox_id = ?""")) {
            for (var e : failed.entrySet()) {
                ps.setString(1, e.getValue());
                ps.setInt(2, maxAttempts);
                ps.setInt(3, maxAttempts);
                ps.setDouble(4, base.toMillis() / 1000.0);
                ps.setDouble(5, max.toMillis() / 1000.0);
                ps.setLong(6, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM outbox WHERE outbox_id = ANY (?) AND blocked_at IS NOT NULL")) {
            ps.setArray(1, c.createArrayOf("bigint", failed.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** As {@link #markFailed(Connection, Map, Duration, Duration, int)} with the default attempt limit. */
    public void markFailed(Connection c, Map<Long, String> failed, Duration base, Duration max) throws SQLException {
        markFailed(c, failed, base, max, RelaySettings.DEFAULT_MAX_ATTEMPTS);
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

    /** Rows not yet finished (unpublished, unreleased; blocked ones included), the age in seconds of the oldest (0 when none), blocked rows. */
    public Lag lag(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0),
                       count(*) FILTER (WHERE blocked_at IS NOT NULL)
                FROM outbox WHERE published_at IS NULL AND released_at IS NULL""");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Lag(rs.getLong(1), rs.getDouble(2), rs.getLong(3));
        }
    }

    /** Outbox backlog: unfinished rows, the age of the oldest in seconds, and how many of them are blocked. */
    public record Lag(long pending, double oldestAgeSeconds, long blocked) {
    }
}
