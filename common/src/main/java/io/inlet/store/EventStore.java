package io.inlet.store;

import io.inlet.event.EventEnvelope;
import io.inlet.feed.DerivedRoute;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Appends batches of events to an event table, idempotently, with their outbox rows.
 *
 * <p>Contract: runs inside the caller's transaction (auto-commit off) so that events, outbox rows,
 * rejected records and the ledger checkpoint commit together or not at all. Only events whose id is
 * new are inserted ({@code ON CONFLICT (event_id) DO NOTHING}); each stream's new events get the
 * next gapless versions in batch order. Two transactions appending to one stream serialise on the
 * stream's head row, locked in stream id order so they cannot deadlock. Throws
 * {@link AppendRaceException} when a concurrent writer won a race the batch cannot absorb: roll back
 * and retry. SQL errors propagate; the caller rolls back.
 */
public final class EventStore {

    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private static final String LOCK_STREAMS = """
            INSERT INTO stream_heads (event_table, stream_id, version)
            SELECT ?, s, 0 FROM unnest(?::text[]) AS s ORDER BY s
            ON CONFLICT DO NOTHING""";

    private static final String SELECT_STREAMS_FOR_UPDATE = """
            SELECT stream_id FROM stream_heads WHERE event_table = ? AND stream_id = ANY (?::text[])
            ORDER BY stream_id FOR UPDATE""";

    // One statement: classify every input row, insert the new ones with versions, move the stream
    // heads, write outbox rows. Data-modifying CTEs run to completion whether or not they are read.
    private static final String APPEND = """
            WITH input AS (
                SELECT * FROM unnest(?::int[], ?::uuid[], ?::text[], ?::text[], ?::int[], ?::timestamptz[],
                                     ?::text[], ?::text[], ?::text[], ?::jsonb[])
                    AS t(seq, event_id, stream_id, event_type, schema_version, occurred_at,
                         correlation_id, causation_id, source, payload)
            ),
            classified AS (
                SELECT i.*,
                       CASE
                           WHEN e.event_id IS NOT NULL THEN CASE WHEN e.payload = i.payload THEN 'D' ELSE 'C' END
                           WHEN i.first_seq <> i.seq THEN CASE WHEN i.first_payload = i.payload THEN 'D' ELSE 'C' END
                           ELSE 'A'
                       END AS outcome
                FROM (SELECT input.*, first_value(seq) OVER w AS first_seq, first_value(payload) OVER w AS first_payload
                      FROM input WINDOW w AS (PARTITION BY event_id ORDER BY seq)) i
                LEFT JOIN %1$s e ON e.event_id = i.event_id
            ),
            numbered AS (
                SELECT c.*, h.version + row_number() OVER (PARTITION BY c.stream_id ORDER BY c.seq) AS stream_version
                FROM classified c JOIN stream_heads h ON h.event_table = '%2$s' AND h.stream_id = c.stream_id
                WHERE c.outcome = 'A'
            ),
            ins AS (
                INSERT INTO %1$s (event_id, stream_id, stream_version, event_type, schema_version, occurred_at,
                                  correlation_id, causation_id, source, payload)
                SELECT event_id, stream_id, stream_version, event_type, schema_version, occurred_at,
                       correlation_id, causation_id, source, payload
                FROM numbered ORDER BY seq
                ON CONFLICT (event_id) DO NOTHING
                RETURNING position, event_id, stream_id, stream_version, event_type
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
                JOIN unnest(?::text[], ?::text[], ?::text[]) AS r(destination, only_type, derived_type)
                  ON r.only_type IS NULL OR r.only_type = i.event_type
                ORDER BY i.position
                RETURNING 1
            )
            SELECT seq, outcome, (SELECT count(*) FROM ins) AS inserted
            FROM classified
            ORDER BY seq""";

    /**
     * Appends {@code events} to {@code table} and routes the new ones through {@code routes}
     * (APPENDED and MAPPED kinds; SUMMARY routes are ignored here).
     */
    public AppendOutcome append(Connection c, String table, List<EventEnvelope> events, List<DerivedRoute> routes)
            throws SQLException {
        if (!TABLE.matcher(table).matches()) throw new IllegalArgumentException("invalid event table name: " + table);
        if (events.isEmpty()) return new AppendOutcome(List.of());
        lockStreams(c, table, events);

        int n = events.size();
        Integer[] seq = new Integer[n];
        String[] ids = new String[n], streams = new String[n], types = new String[n], occurred = new String[n],
                corr = new String[n], cause = new String[n], sources = new String[n], payloads = new String[n];
        Integer[] schemas = new Integer[n];
        for (int i = 0; i < n; i++) {
            EventEnvelope e = events.get(i);
            seq[i] = i;
            ids[i] = e.eventId().toString();
            streams[i] = e.streamId();
            types[i] = e.eventType();
            schemas[i] = e.schemaVersion();
            occurred[i] = e.occurredAt().toString();
            corr[i] = e.correlationId();
            cause[i] = e.causationId();
            sources[i] = e.source();
            payloads[i] = e.payloadJson();
        }
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

        List<EventOutcome> outcomes = new ArrayList<>(n);
        try (PreparedStatement ps = c.prepareStatement(APPEND.formatted(table, table))) {
            int p = 1;
            ps.setArray(p++, c.createArrayOf("int4", seq));
            ps.setArray(p++, c.createArrayOf("text", ids));
            ps.setArray(p++, c.createArrayOf("text", streams));
            ps.setArray(p++, c.createArrayOf("text", types));
            ps.setArray(p++, c.createArrayOf("int4", schemas));
            ps.setArray(p++, c.createArrayOf("text", occurred));
            ps.setArray(p++, c.createArrayOf("text", corr));
            ps.setArray(p++, c.createArrayOf("text", cause));
            ps.setArray(p++, c.createArrayOf("text", sources));
            ps.setArray(p++, c.createArrayOf("text", payloads));
            ps.setArray(p++, c.createArrayOf("text", dest.toArray(String[]::new)));
            ps.setArray(p++, c.createArrayOf("text", only.toArray(String[]::new)));
            ps.setArray(p, c.createArrayOf("text", derived.toArray(String[]::new)));
            long inserted = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    outcomes.add(switch (rs.getString(2)) {
                        case "A" -> EventOutcome.APPENDED;
                        case "D" -> EventOutcome.DUPLICATE;
                        default -> EventOutcome.CONFLICT;
                    });
                    inserted = rs.getLong(3);
                }
            }
            long expected = outcomes.stream().filter(o -> o == EventOutcome.APPENDED).count();
            if (inserted != expected) {
                throw new AppendRaceException((expected - inserted) + " of the batch's " + expected
                        + " new events were inserted concurrently by another writer; retrying the batch");
            }
        }
        return new AppendOutcome(outcomes);
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
