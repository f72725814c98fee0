package io.inlet.bench;

import io.inlet.event.EventEnvelope;
import io.inlet.event.DerivedRoute;
import io.inlet.store.AppendOutcome;
import io.inlet.store.EventStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * One way of writing a batch of events into an event table, inside the caller's transaction.
 * Returns how many events the batch appended.
 */
interface WritePath {

    String name();

    long write(Connection c, String table, List<EventEnvelope> batch) throws SQLException;

    /** Whether it classifies rows and writes outbox rows (EventStore semantics). */
    default boolean idempotentWithOutbox() {
        return false;
    }

    /** io.inlet.store.EventStore as it is: the batch as unnest arrays, one set-based statement. */
    static WritePath eventStore(List<DerivedRoute> routes) {
        EventStore store = new EventStore();
        return new WritePath() {
            public String name() {
                return "EventStore.append";
            }

            public long write(Connection c, String table, List<EventEnvelope> batch) throws SQLException {
                return count(store.append(c, table, batch, routes));
            }

            public boolean idempotentWithOutbox() {
                return true;
            }
        };
    }

    /** The usual hand-written loader: batched INSERT ... ON CONFLICT DO NOTHING, versions from the client. */
    static WritePath jdbcBatch() {
        StreamVersions versions = new StreamVersions();
        return new WritePath() {
            public String name() {
                return "JDBC batch INSERT ON CONFLICT";
            }

            public long write(Connection c, String table, List<EventEnvelope> batch) throws SQLException {
                String sql = "INSERT INTO " + table + " (event_id, stream_id, stream_version, event_type, schema_version,"
                        + " occurred_at, correlation_id, causation_id, source, payload)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (event_id) DO NOTHING";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (EventEnvelope e : batch) {
                        ps.setObject(1, e.eventId());
                        ps.setString(2, e.streamId());
                        ps.setLong(3, versions.next(e));
                        ps.setString(4, e.eventType());
                        ps.setInt(5, e.schemaVersion());
                        ps.setTimestamp(6, Timestamp.from(e.occurredAt()));
                        ps.setString(7, e.correlationId());
                        if (e.causationId() == null) ps.setNull(8, Types.VARCHAR); else ps.setString(8, e.causationId());
                        ps.setString(9, e.source());
                        ps.setString(10, e.payloadJson());
                        ps.addBatch();
                    }
                    long inserted = 0;
                    for (int n : ps.executeBatch()) {
                        // reWriteBatchedInserts reports SUCCESS_NO_INFO (-2) for rewritten groups
                        inserted += n > 0 ? n : 0;
                    }
                    return inserted;
                }
            }
        };
    }

    /** The physical limit: COPY straight into the event table, versions from the client, no checks. */
    static WritePath rawCopy() {
        StreamVersions versions = new StreamVersions();
        return new WritePath() {
            public String name() {
                return "raw COPY into event table";
            }

            public long write(Connection c, String table, List<EventEnvelope> batch) throws SQLException {
                CopyText rows = new CopyText(batch.size() * 400);
                for (EventEnvelope e : batch) {
                    rows.column(e.eventId().toString()).column(e.streamId()).column(versions.next(e))
                            .column(e.eventType()).column(e.schemaVersion()).column(e.occurredAt().toString())
                            .column(e.correlationId()).column(e.causationId()).column(e.source())
                            .column(e.payloadJson()).endRow();
                }
                try {
                    return c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table
                            + " (event_id, stream_id, stream_version, event_type, schema_version, occurred_at,"
                            + " correlation_id, causation_id, source, payload) FROM STDIN",
                            new ByteArrayInputStream(rows.utf8()));
                } catch (IOException e) {
                    throw new SQLException("COPY failed: " + e.getMessage(), e);
                }
            }
        };
    }

    private static long count(AppendOutcome outcome) {
        return outcome.appended();
    }
}
