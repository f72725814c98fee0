package io.inlet.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The events of a projection's types that its table has not applied yet: per stream, those with a
 * version above the stream's row, in version order, read from the event table.
 *
 * <p>Exact because a stream's committed versions always form a prefix (version n+1 is computed
 * from a committed n) and a projection applies each stream in version order: every event at or
 * below a row's version is in it, every event above is not. Whatever order a reader delivers
 * events in, applying what this returns keeps each stream in version order.
 */
final class StreamsAbove {

    private StreamsAbove() {
    }

    /** At most {@code limit} such events of any stream (the rebuild's catch-up). */
    static List<ProjectedEvent> any(Connection c, Projection p, String table, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql(p, table, "") + " LIMIT ?")) {
            ps.setArray(1, c.createArrayOf("text", p.eventTypes().toArray()));
            ps.setInt(2, limit);
            return ProjectionRebuild.events(ps);
        }
    }

    /** Every such event of {@code streams} (the async projector, for the streams a page touched). */
    static List<ProjectedEvent> of(Connection c, Projection p, String table, List<String> streams) throws SQLException {
        if (streams.isEmpty()) return List.of();
        try (PreparedStatement ps = c.prepareStatement(sql(p, table, " AND e.stream_id = ANY (?)"))) {
            ps.setArray(1, c.createArrayOf("text", p.eventTypes().toArray()));
            ps.setArray(2, c.createArrayOf("text", streams.toArray()));
            return ProjectionRebuild.events(ps);
        }
    }

    private static String sql(Projection p, String table, String andStreams) {
        return "SELECT e.event_id, e.stream_id, e.stream_version, e.event_type, e.schema_version, e.occurred_at, e.payload::text "
                + "FROM " + ProjectionWriter.quote(p.source()) + " e LEFT JOIN " + ProjectionWriter.quote(table) + " s ON s.stream_id = e.stream_id "
                + "WHERE e.event_type = ANY (?) AND e.stream_version > coalesce(s.stream_version, 0)" + andStreams
                + " ORDER BY e.stream_id, e.stream_version";
    }
}
