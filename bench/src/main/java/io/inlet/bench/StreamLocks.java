package io.inlet.bench;

import io.inlet.event.EventEnvelope;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/** Locks the batch's stream heads in stream id order (creating missing ones), exactly as EventStore does. */
final class StreamLocks {

    private static final String LOCK_STREAMS = """
            INSERT INTO stream_heads (event_table, stream_id, version)
            SELECT ?, s, 0 FROM unnest(?::text[]) AS s ORDER BY s
            ON CONFLICT DO NOTHING""";

    private static final String SELECT_STREAMS_FOR_UPDATE = """
            SELECT stream_id FROM stream_heads WHERE event_table = ? AND stream_id = ANY (?::text[])
            ORDER BY stream_id FOR UPDATE""";

    private StreamLocks() {
    }

    static void lock(Connection c, String table, List<EventEnvelope> events) throws SQLException {
        TreeSet<String> streams = new TreeSet<>();
        for (EventEnvelope e : events) streams.add(e.streamId());
        Array arr = c.createArrayOf("text", streams.toArray(String[]::new));
        try (PreparedStatement ps = c.prepareStatement(LOCK_STREAMS)) {
            ps.setString(1, table);
            ps.setArray(2, arr);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(SELECT_STREAMS_FOR_UPDATE)) {
            ps.setString(1, table);
            ps.setArray(2, arr);
            try (ResultSet rs = ps.executeQuery()) {
                int locked = 0;
                while (rs.next()) locked++;
                if (locked != streams.size()) {
                    throw new IllegalStateException("locked " + locked + " of " + streams.size() + " stream heads of " + table
                            + ": " + Arrays.toString(streams.toArray()));
                }
            }
        }
    }
}
