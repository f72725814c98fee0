package io.inlet.projection;

import io.inlet.event.EventEnvelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Applies the inline projections of an event table to the events an append has just inserted, in
 * the append's own transaction: the projection's rows commit with their events or not at all.
 *
 * <p>Contract: call once per append, with the appended events only (duplicates and conflicts
 * appended nothing), in batch order. A value a projection's column refuses is an
 * {@link SQLException} of class 22 naming the projection; the append fails with it, and its caller
 * treats it as any value PostgreSQL refuses (the file path rejects that record, a message fails
 * permanently). Any other failure (the table missing or of another shape) fails the transaction.
 */
public final class InlineProjector {

    private final Projections projections;
    private final ProjectionWriter writer = new ProjectionWriter();
    private final Map<String, Declared> declared = new java.util.concurrent.ConcurrentHashMap<>();

    public InlineProjector(Projections projections) {
        this.projections = projections;
    }

    /** Whether appends to {@code table} have inline projections at all. */
    public boolean follows(String table) {
        return !projections.inlineFor(table).isEmpty();
    }

    /**
     * The inline projections of {@code table} as the appends' catalog guard compares them: their names
     * and, in the same order, their {@link Projection#definition() definitions} (none when it has none).
     * Computed once per table: the feeds do not change while the instance runs.
     */
    public Declared declared(String table) {
        return declared.computeIfAbsent(table, t -> {
            List<Projection> inline = projections.inlineFor(t);
            return new Declared(inline.stream().map(Projection::name).toArray(String[]::new),
                    inline.stream().map(Projection::definition).toArray(String[]::new));
        });
    }

    /** The names and definitions of an event table's inline projections, index for index. */
    public record Declared(String[] names, String[] definitions) {
    }

    /** Projects {@code appended}, just inserted into {@code table} in this transaction. */
    public void project(Connection c, String table, List<EventEnvelope> appended) throws SQLException {
        List<Projection> inline = projections.inlineFor(table);
        if (inline.isEmpty() || appended.isEmpty()) return;
        Set<String> handled = new HashSet<>();
        for (Projection p : inline) handled.addAll(p.eventTypes());
        List<EventEnvelope> relevant = appended.stream().filter(e -> handled.contains(e.eventType())).toList();
        if (relevant.isEmpty()) return;
        Map<UUID, Long> versions = versions(c, table, relevant);
        List<ProjectedEvent> events = new ArrayList<>(relevant.size());
        for (EventEnvelope e : relevant) {
            Long version = versions.get(e.eventId());
            if (version == null) throw new IllegalStateException("event " + e.eventId() + " was appended to " + table + " but is not there");
            events.add(new ProjectedEvent(e.eventId(), e.streamId(), version, e.eventType(), e.schemaVersion(), e.occurredAt(),
                    e.payloadJson()));
        }
        for (Projection p : inline) writer.apply(c, p, p.table(), events);
    }

    /** The versions the append gave: read back by event id (the primary key), in this transaction. */
    private static Map<UUID, Long> versions(Connection c, String table, List<EventEnvelope> events) throws SQLException {
        Map<UUID, Long> out = new HashMap<>(events.size() * 2);
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, stream_version FROM " + ProjectionWriter.quote(table)
                + " WHERE event_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("uuid", events.stream().map(EventEnvelope::eventId).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getObject(1, UUID.class), rs.getLong(2));
            }
        }
        return out;
    }
}
