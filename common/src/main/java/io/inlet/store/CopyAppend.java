package io.inlet.store;

import io.inlet.event.DerivedRoute;
import io.inlet.event.EventEnvelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.copy.CopyIn;

/**
 * The append of a wide batch (the file path: its streams' lock partitions held exclusively) as
 * probes and {@code COPY}: the same classification, versions and outbox rows as the one-statement
 * append of {@link EventStore}, with the rows written the way PostgreSQL loads fastest.
 *
 * <ol>
 *   <li>probe: which of the batch's ids are stored (the primary key, ids only);</li>
 *   <li>only for ids found: stored payload equal or not (DUPLICATE or CONFLICT), as the statement
 *       compares them ({@code jsonb} equality); a repeat of an earlier, new id of the batch is a
 *       DUPLICATE when its payload text is the same, else {@code jsonb} equality decides;</li>
 *   <li>heads: {@code max(stream_version)} of each stream that gets new events, through the unique
 *       {@code (stream_id, stream_version)} index; versions follow in batch order;</li>
 *   <li>{@code COPY} of the new events (position, recorded_at and tx from the columns' defaults, so
 *       positions follow batch order), then their outbox rows in the same order (one insert from arrays).</li>
 * </ol>
 *
 * <p>What makes it safe is what makes the statement safe: the caller holds the partitions' locks,
 * so no Inlet writer changes these streams between the probes and the COPY; a writer outside the
 * locks that wins a race makes the COPY fail on a unique index (23505, {@link AppendRaceException},
 * the batch is retried whole); everything is in the caller's transaction. A COPY is one statement:
 * it stores every row or none. Why: the event row then costs the server what a bare COPY costs, and
 * the unnest, CTEs, window numbering, sorts and planning of the statement are gone: server time per
 * event 195 -> 156 µs under the same load (docs/benchmarks.md, issue 18.4).
 */
final class CopyAppend {

    private CopyAppend() {
    }

    private static final String STORED_IDS = """
            SELECT i.ord - 1 FROM unnest(?::uuid[]) WITH ORDINALITY AS i(event_id, ord)
            JOIN %1$s e ON e.event_id = i.event_id""";

    private static final String SAME_PAYLOAD = """
            SELECT i.ord - 1, e.payload = i.payload
            FROM unnest(?::uuid[], ?::jsonb[]) WITH ORDINALITY AS i(event_id, payload, ord)
            JOIN %1$s e ON e.event_id = i.event_id""";

    private static final String SAME_JSON = "SELECT a = b FROM unnest(?::jsonb[], ?::jsonb[]) WITH ORDINALITY AS t(a, b, ord) ORDER BY ord";

    private static final String HEADS = """
            SELECT s.stream_id, coalesce((SELECT max(e.stream_version) FROM %1$s e WHERE e.stream_id = s.stream_id), 0)
            FROM unnest(?::text[]) AS s(stream_id)""";

    private static final String COPY_EVENTS = "COPY %1$s (event_id, stream_id, stream_version, event_type, schema_version, "
            + "occurred_at, correlation_id, causation_id, source, payload) FROM STDIN";

    private static final String INSERT_OUTBOX = """
            INSERT INTO outbox (destination, event_table, event_id, event_type, stream_id)
            SELECT r.destination, ?, r.event_id, r.event_type, r.stream_id
            FROM unnest(?::text[], ?::uuid[], ?::text[], ?::text[]) WITH ORDINALITY AS r(destination, event_id, event_type, stream_id, ord)
            ORDER BY r.ord""";

    /** Outcomes of {@code events}, in their order; the new ones are stored with their outbox rows. */
    static EventOutcome[] append(Connection c, String table, List<EventEnvelope> events, List<DerivedRoute> routes)
            throws SQLException {
        int n = events.size();
        EventOutcome[] outcomes = new EventOutcome[n];
        Arrays.fill(outcomes, EventOutcome.APPENDED);
        classifyStored(c, table, events, outcomes);
        classifyRepeats(c, events, outcomes);

        Map<String, Long> heads = heads(c, table, events, outcomes);
        int appended = 0;
        for (EventOutcome o : outcomes) if (o == EventOutcome.APPENDED) appended++;
        if (appended == 0) return outcomes;

        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_EVENTS.formatted(table));
        CopyRows rows = new CopyRows(copy);
        long stored;
        boolean ended = false;
        try {
            for (int i = 0; i < n; i++) {
                if (outcomes[i] != EventOutcome.APPENDED) continue;
                EventEnvelope e = events.get(i);
                long version = heads.merge(e.streamId(), 1L, Long::sum);
                rows.text(e.eventId().toString()).text(e.streamId()).number(version).text(e.eventType())
                        .number(e.schemaVersion()).text(e.occurredAt().toString()).text(e.correlationId())
                        .text(e.causationId()).text(e.source()).text(e.payloadJson()).endRow();
            }
            stored = rows.end();
            ended = true;
        } catch (SQLException e) {
            throw race(e, table);
        } finally {
            if (!ended) rows.cancelQuietly();
        }
        if (stored != appended) {
            throw new IllegalStateException("the append to " + table + " stored " + stored + " events but classified "
                    + appended + " as new");
        }
        insertOutbox(c, table, events, outcomes, routes);
        return outcomes;
    }

    /** DUPLICATE or CONFLICT for each event whose id is stored already. */
    private static void classifyStored(Connection c, String table, List<EventEnvelope> events, EventOutcome[] outcomes)
            throws SQLException {
        String[] ids = new String[events.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = events.get(i).eventId().toString();
        List<Integer> found = new ArrayList<>();
        try (PreparedStatement ps = customPlan(c.prepareStatement(STORED_IDS.formatted(table)))) {
            ps.setArray(1, c.createArrayOf("text", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) found.add(rs.getInt(1));
            }
        }
        if (found.isEmpty()) return;
        String[] foundIds = new String[found.size()], payloads = new String[found.size()];
        for (int k = 0; k < found.size(); k++) {
            EventEnvelope e = events.get(found.get(k));
            foundIds[k] = e.eventId().toString();
            payloads[k] = e.payloadJson();
        }
        try (PreparedStatement ps = customPlan(c.prepareStatement(SAME_PAYLOAD.formatted(table)))) {
            ps.setArray(1, c.createArrayOf("text", foundIds));
            ps.setArray(2, c.createArrayOf("text", payloads));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    outcomes[found.get(rs.getInt(1))] = rs.getBoolean(2) ? EventOutcome.DUPLICATE : EventOutcome.CONFLICT;
                }
            }
        }
    }

    /**
     * A later event of the batch with the id of an earlier one that is new: DUPLICATE when the
     * payloads are equal as {@code jsonb} (the same text is), else CONFLICT; only the first is appended.
     */
    private static void classifyRepeats(Connection c, List<EventEnvelope> events, EventOutcome[] outcomes)
            throws SQLException {
        Map<UUID, Integer> firstOf = new HashMap<>(events.size() * 2);
        List<int[]> unsure = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (outcomes[i] != EventOutcome.APPENDED) continue; // stored already: judged against the stored row
            Integer first = firstOf.putIfAbsent(events.get(i).eventId(), i);
            if (first == null) continue;
            if (events.get(first).payloadJson().equals(events.get(i).payloadJson())) {
                outcomes[i] = EventOutcome.DUPLICATE;
            } else {
                outcomes[i] = EventOutcome.CONFLICT; // until jsonb equality says otherwise
                unsure.add(new int[] {first, i});
            }
        }
        if (unsure.isEmpty()) return;
        String[] a = new String[unsure.size()], b = new String[unsure.size()];
        for (int k = 0; k < unsure.size(); k++) {
            a[k] = events.get(unsure.get(k)[0]).payloadJson();
            b[k] = events.get(unsure.get(k)[1]).payloadJson();
        }
        try (PreparedStatement ps = c.prepareStatement(SAME_JSON)) {
            ps.setArray(1, c.createArrayOf("text", a));
            ps.setArray(2, c.createArrayOf("text", b));
            try (ResultSet rs = ps.executeQuery()) {
                for (int k = 0; rs.next(); k++) if (rs.getBoolean(1)) outcomes[unsure.get(k)[1]] = EventOutcome.DUPLICATE;
            }
        }
    }

    /** The last stored version of each stream that gets new events (0 for a new stream). */
    private static Map<String, Long> heads(Connection c, String table, List<EventEnvelope> events, EventOutcome[] outcomes)
            throws SQLException {
        LinkedHashMap<String, Long> heads = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            if (outcomes[i] == EventOutcome.APPENDED) heads.putIfAbsent(events.get(i).streamId(), 0L);
        }
        if (heads.isEmpty()) return heads;
        try (PreparedStatement ps = customPlan(c.prepareStatement(HEADS.formatted(table)))) {
            ps.setArray(1, c.createArrayOf("text", heads.keySet().toArray(String[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) heads.put(rs.getString(1), rs.getLong(2));
            }
        }
        return heads;
    }

    /**
     * One outbox row per appended event and matching route (APPENDED and MAPPED kinds), in batch
     * order, by one insert from arrays: measured cheaper than a COPY into the outbox (issue 18.4 in
     * docs/benchmarks.md: 114 against 65 µs a row of server time under the same load).
     */
    private static void insertOutbox(Connection c, String table, List<EventEnvelope> events, EventOutcome[] outcomes,
                                     List<DerivedRoute> routes) throws SQLException {
        List<DerivedRoute> perEvent = routes.stream().filter(r -> r.kind() != DerivedRoute.Kind.SUMMARY).toList();
        if (perEvent.isEmpty()) return;
        List<String> dest = new ArrayList<>(), ids = new ArrayList<>(), types = new ArrayList<>(), streams = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (outcomes[i] != EventOutcome.APPENDED) continue;
            EventEnvelope e = events.get(i);
            for (DerivedRoute r : perEvent) {
                if (!r.eventTypes().isEmpty() && !r.eventTypes().contains(e.eventType())) continue;
                dest.add(r.destination());
                ids.add(e.eventId().toString());
                types.add(r.kind() == DerivedRoute.Kind.MAPPED && r.mappedType() != null ? r.mappedType() : e.eventType());
                streams.add(e.streamId());
            }
        }
        if (dest.isEmpty()) return;
        try (PreparedStatement ps = customPlan(c.prepareStatement(INSERT_OUTBOX))) {
            ps.setString(1, table);
            ps.setArray(2, c.createArrayOf("text", dest.toArray()));
            ps.setArray(3, c.createArrayOf("text", ids.toArray()));
            ps.setArray(4, c.createArrayOf("text", types.toArray()));
            ps.setArray(5, c.createArrayOf("text", streams.toArray()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw race(e, table);
        }
    }

    /** A unique violation is a lost race (see the class); anything else as it came. */
    private static SQLException race(SQLException e, String table) {
        if (!"23505".equals(e.getSQLState())) return e;
        AppendRaceException race = new AppendRaceException("a concurrent writer inserted one of the batch's event ids or "
                + "stream versions of " + table + " first (" + e.getMessage() + "); retrying the batch");
        race.initCause(e);
        throw race;
    }

    /** Plans with the batch's values: a generic plan cannot see how many rows the arrays hold. */
    private static PreparedStatement customPlan(PreparedStatement ps) throws SQLException {
        ps.unwrap(PGStatement.class).setPrepareThreshold(0);
        return ps;
    }
}
