package io.inlet.bench;

import io.inlet.event.EventEnvelope;
import io.inlet.feed.DerivedRoute;
import io.inlet.store.AppendOutcome;
import io.inlet.store.AppendRaceException;
import io.inlet.store.EventOutcome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;

/**
 * The alternative append path measured against {@link io.inlet.store.EventStore}: the batch is
 * streamed with {@code COPY ... FROM STDIN} into a per-connection temporary staging table, then the
 * same set-based statement as EventStore's (classify appended/duplicate/conflict, insert new rows
 * with gapless stream versions, move stream heads, write outbox rows) reads from that table instead
 * of from {@code unnest} arrays. Same contract as EventStore: runs in the caller's transaction, locks
 * stream heads in stream id order, throws {@link AppendRaceException} when a concurrent writer won.
 */
public final class CopyStagingAppender {

    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    // ON COMMIT DELETE ROWS empties it at every commit; the statement below also deletes what it
    // reads, so two appends in one transaction never see each other's rows. IF NOT EXISTS makes it
    // created once per connection (a later call is a catalog lookup) and survives a rolled-back
    // first transaction, which would have dropped a table created inside it.
    private static final String STAGING = """
            CREATE TEMP TABLE IF NOT EXISTS inlet_append_staging (
                seq int NOT NULL, event_id uuid NOT NULL, stream_id text NOT NULL, event_type text NOT NULL,
                schema_version int NOT NULL, occurred_at timestamptz NOT NULL, correlation_id text,
                causation_id text, source text NOT NULL, payload jsonb NOT NULL
            ) ON COMMIT DELETE ROWS""";

    private static final String COPY = """
            COPY pg_temp.inlet_append_staging (seq, event_id, stream_id, event_type, schema_version, occurred_at,
                                               correlation_id, causation_id, source, payload) FROM STDIN""";

    private static final String LOCK_STREAMS = """
            INSERT INTO stream_heads (event_table, stream_id, version)
            SELECT ?, s, 0 FROM unnest(?::text[]) AS s ORDER BY s
            ON CONFLICT DO NOTHING""";

    private static final String SELECT_STREAMS_FOR_UPDATE = """
            SELECT stream_id FROM stream_heads WHERE event_table = ? AND stream_id = ANY (?::text[])
            ORDER BY stream_id FOR UPDATE""";

    // EventStore's statement with one change: `input` drains the staging table instead of unnesting.
    private static final String APPEND = """
            WITH input AS (
                DELETE FROM pg_temp.inlet_append_staging
                RETURNING seq, event_id, stream_id, event_type, schema_version, occurred_at,
                          correlation_id, causation_id, source, payload
            ),
            first_of_id AS (
                SELECT DISTINCT ON (event_id) * FROM input ORDER BY event_id, seq
            ),
            fresh AS (
                SELECT f.* FROM first_of_id f
                WHERE NOT EXISTS (SELECT 1 FROM %1$s e WHERE e.event_id = f.event_id)
            ),
            numbered AS (
                SELECT f.*, h.version + row_number() OVER (PARTITION BY f.stream_id ORDER BY f.seq) AS stream_version
                FROM fresh f JOIN stream_heads h ON h.event_table = '%2$s' AND h.stream_id = f.stream_id
            ),
            ins AS (
                INSERT INTO %1$s (event_id, stream_id, stream_version, event_type, schema_version, occurred_at,
                                  correlation_id, causation_id, source, payload)
                SELECT event_id, stream_id, stream_version, event_type, schema_version, occurred_at,
                       correlation_id, causation_id, source, payload
                FROM numbered ORDER BY seq
                ON CONFLICT (event_id) DO NOTHING
                RETURNING event_id, stream_id, stream_version, event_type
            ),
            heads AS (
                UPDATE stream_heads h SET version = m.v
                FROM (SELECT stream_id, max(stream_version) AS v FROM ins GROUP BY stream_id) m
                WHERE h.event_table = '%2$s' AND h.stream_id = m.stream_id
                RETURNING 1
            ),
            routed AS (
                INSERT INTO outbox (destination, event_table, event_id, event_type, stream_id)
                SELECT r.destination, '%2$s', i.event_id, coalesce(r.derived_type, i.event_type), i.stream_id
                FROM ins i
                JOIN numbered n ON n.event_id = i.event_id
                JOIN unnest(?::text[], ?::text[], ?::text[]) AS r(destination, only_type, derived_type)
                  ON r.only_type IS NULL OR r.only_type = i.event_type
                ORDER BY n.seq
                RETURNING 1
            )
            SELECT i.seq,
                   CASE
                       WHEN a.event_id IS NOT NULL THEN 'A'
                       WHEN e.event_id IS NOT NULL THEN CASE WHEN e.payload = i.payload THEN 'D' ELSE 'C' END
                       WHEN f.seq <> i.seq THEN CASE WHEN f.payload = i.payload THEN 'D' ELSE 'C' END
                       ELSE 'R'
                   END AS outcome
            FROM input i
            LEFT JOIN (SELECT n.seq, n.event_id FROM numbered n JOIN ins USING (event_id)) a ON a.seq = i.seq
            LEFT JOIN %1$s e ON e.event_id = i.event_id
            LEFT JOIN first_of_id f ON f.event_id = i.event_id
            ORDER BY i.seq""";

    /** Appends {@code events} to {@code table}, routing new ones through {@code routes}; as EventStore.append. */
    public AppendOutcome append(Connection c, String table, List<EventEnvelope> events, List<DerivedRoute> routes)
            throws SQLException {
        if (!TABLE.matcher(table).matches()) throw new IllegalArgumentException("invalid event table name: " + table);
        if (events.isEmpty()) return new AppendOutcome(List.of());
        lockStreams(c, table, events);
        stage(c, events);

        List<String> dest = new ArrayList<>(), only = new ArrayList<>(), derived = new ArrayList<>();
        for (DerivedRoute r : routes) {
            if (r.kind() == DerivedRoute.Kind.SUMMARY) continue;
            String mapped = r.kind() == DerivedRoute.Kind.MAPPED ? r.mappedType() : null;
            if (r.eventTypes().isEmpty()) {
                dest.add(r.destination());
                only.add(null);
                derived.add(mapped);
            } else {
                for (String t : r.eventTypes()) {
                    dest.add(r.destination());
                    only.add(t);
                    derived.add(mapped);
                }
            }
        }

        List<EventOutcome> outcomes = new ArrayList<>(events.size());
        try (PreparedStatement ps = c.prepareStatement(APPEND.formatted(table, table))) {
            ps.setArray(1, c.createArrayOf("text", dest.toArray(String[]::new)));
            ps.setArray(2, c.createArrayOf("text", only.toArray(String[]::new)));
            ps.setArray(3, c.createArrayOf("text", derived.toArray(String[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    outcomes.add(switch (rs.getString(2)) {
                        case "A" -> EventOutcome.APPENDED;
                        case "D" -> EventOutcome.DUPLICATE;
                        case "C" -> EventOutcome.CONFLICT;
                        default -> throw new AppendRaceException("event " + events.get(rs.getInt(1)).eventId()
                                + " was inserted concurrently by another writer; retrying the batch");
                    });
                }
            }
        }
        return new AppendOutcome(outcomes);
    }

    private static void stage(Connection c, List<EventEnvelope> events) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(STAGING);
        }
        CopyText rows = new CopyText(events.size() * 400);
        for (int i = 0; i < events.size(); i++) {
            EventEnvelope e = events.get(i);
            rows.column(i).column(e.eventId().toString()).column(e.streamId()).column(e.eventType())
                    .column(e.schemaVersion()).column(e.occurredAt().toString()).column(e.correlationId())
                    .column(e.causationId()).column(e.source()).column(e.payloadJson()).endRow();
        }
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY, new ByteArrayInputStream(rows.utf8()));
        } catch (IOException e) {
            throw new SQLException("cannot stream the batch to the staging table: " + e.getMessage(), e);
        }
    }

    private static void lockStreams(Connection c, String table, List<EventEnvelope> events) throws SQLException {
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
