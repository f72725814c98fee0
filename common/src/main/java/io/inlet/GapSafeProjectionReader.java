package io.inlet;

import io.inlet.projection.CommittedEvents;
import io.inlet.projection.ProjectedEvent;
import io.inlet.read.Checkpoint;
import io.inlet.read.EventReader;
import io.inlet.read.ReadBatch;
import io.inlet.read.ReadEvent;
import io.inlet.read.ReadRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The read side's gap-safe {@link EventReader} as the async projector's {@link CommittedEvents}
 * (here, in the façade, because the reader sits above the store and projections below it).
 * Checkpoints are the reader's {@code tx:position}.
 */
final class GapSafeProjectionReader implements CommittedEvents {

    private final EventReader reader;

    GapSafeProjectionReader(EventReader reader) {
        this.reader = reader;
    }

    @Override
    public String beginning() {
        return Checkpoint.BEGINNING.toString();
    }

    @Override
    public Page read(Connection c, String table, Set<String> types, String checkpoint, int limit) throws SQLException {
        ReadBatch batch = reader.read(c, new ReadRequest(Checkpoint.parse(checkpoint), List.of(table), types,
                Math.min(limit, ReadRequest.MAX_LIMIT)));
        List<ProjectedEvent> events = new ArrayList<>(batch.events().size());
        for (ReadEvent e : batch.events()) {
            events.add(new ProjectedEvent(e.eventId(), e.streamId(), e.streamVersion(), e.eventType(), e.schemaVersion(), e.occurredAt(),
                    e.payload()));
        }
        return new Page(events, batch.next().toString());
    }

    /**
     * Below every transaction that may still be running: every transaction with a lower id has
     * ended, so its events are committed (and, under the swap's lock, in the table); a transaction at
     * or above it may still append, and the reader will read it. Events of finished transactions at or
     * above it are read again later, which the projections' version guard makes harmless.
     */
    @Override
    public String latest(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_snapshot_xmin(pg_current_snapshot())::text");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            long xmin = Long.parseLong(rs.getString(1));
            return xmin <= 1 ? Checkpoint.BEGINNING.toString() : new Checkpoint(xmin - 1, Long.MAX_VALUE).toString();
        }
    }

    @Override
    public Lag lag(Connection c, String table, Set<String> types, String checkpoint) throws SQLException {
        Checkpoint after = Checkpoint.parse(checkpoint);
        if (!table.matches("[a-z_][a-z0-9_]{0,62}")) throw new IllegalArgumentException("invalid event table name: " + table);
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), coalesce(extract(epoch FROM now() - min(recorded_at))::bigint, 0) "
                + "FROM \"" + table + "\" WHERE (tx, position) > (?::xid8, ?) AND event_type = ANY (?)")) {
            ps.setString(1, Long.toString(after.tx()));
            ps.setLong(2, after.position());
            ps.setArray(3, c.createArrayOf("text", types.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Lag(rs.getLong(1), rs.getLong(2));
            }
        }
    }
}
