package io.inlet.store;

import io.inlet.trace.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import io.inlet.event.PostgresValues;

import io.inlet.event.EventEnvelope;
import io.inlet.event.DerivedRoute;
import io.inlet.projection.InlineProjector;
import io.inlet.projection.Projections;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;

/**
 * Appends batches of events to an event table, idempotently, with their outbox rows.
 *
 * <p>Contract: runs inside the caller's transaction (auto-commit off) so that events, outbox rows,
 * rejected records and the ledger checkpoint commit together or not at all. Only events whose id is
 * new are inserted; each stream's new events get the next gapless versions in batch order.
 *
 * <p>Versions come from the table itself: a stream's next version is {@code max(stream_version) + 1}
 * read through the unique {@code (stream_id, stream_version)} index, and that unique index (with
 * the primary key on the event id) is what makes two writers' versions distinct. The insert is a
 * plain one: a row that collides with another writer's (an id or a version taken after this batch
 * was classified) is a unique violation, which means another writer won a race, and the method
 * throws {@link AppendRaceException}: the caller rolls back and retries the whole batch
 * ({@link Transactions} does), which then sees the winner's rows. Because a batch commits whole or
 * not at all, a version can never be skipped. (Not {@code ON CONFLICT DO NOTHING}: its speculative
 * insertion probes every unique index again and writes a second WAL record per row, for a case the
 * classification has already excluded; dropping it made file loads 15-25 % faster,
 * docs/benchmarks.md.)
 *
 * <p>So that Inlet's own writers rarely race, appends to one table queue on transaction advisory
 * locks. A table's streams fall into {@value #PARTITIONS} lock partitions by hash
 * ({@link #partitionOf}). A batch touching at most {@value #LOCKED_STREAMS_MAX} streams (a message,
 * a small file) takes its streams' partitions shared and then one lock per stream, all in key
 * order, so such batches run side by side unless they share a stream; a wider batch (the usual file
 * batch, thousands of streams) takes its streams' partitions exclusively: a few locks, no
 * lock-table slots per stream, and two files loading into one table take turns batch by batch
 * instead of colliding and retrying, while the lanes of one file ({@link #laneOf}: each lane owns
 * whole partitions) append side by side. The race check stays as the referee for any writer
 * outside these locks. One append per table per transaction (as both ingesters do): a second would
 * take locks out of order or upgrade a shared one, and risk a deadlock (detected by PostgreSQL,
 * then retried). SQL errors propagate; the caller rolls back.
 */
public final class EventStore {

    private final InlineProjector projections;
    private final KnownProjections known;

    /** A store without projections. */
    public EventStore() {
        this(Projections.NONE);
    }

    /**
     * A store that keeps {@code projections}' inline ones in each append's transaction: after the
     * insert, the appended events go through {@link InlineProjector#project}, so a projection's
     * rows commit with their events; a value a projection refuses fails the append as a data error.
     */
    public EventStore(Projections projections) {
        this.projections = new InlineProjector(projections);
        this.known = new KnownProjections(this.projections);
    }

    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Batches touching at most this many streams lock them one by one; wider batches lock the table. */
    static final int LOCKED_STREAMS_MAX = 32;

    /** First key of Inlet's per-stream advisory locks (the two-int key space): "InLt". */
    static final int STREAM_LOCK_CLASS = 0x496e4c74;

    /**
     * Gated appends of at most this many events run a server-prepared statement (parsed once per
     * connection, generic plan); larger ones are planned with their values at every execution.
     */
    public static final int GENERIC_PLAN_EVENTS_MAX = 32;

    /** Lock partitions of a table's streams; a file's lanes split them between themselves. */
    public static final int PARTITIONS = 16;

    /**
     * First key of Inlet's per-partition advisory locks, plus the partition ("InP" and 0..15); the
     * second key is the table's.
     */
    static final int PARTITION_LOCK_CLASS = 0x496e5000;

    // partitions and then streams, each in array (key) order: unnest keeps it, Append runs its parts in turn
    private static final String LOCK_PARTITIONS = "SELECT pg_advisory_xact_lock(k, ?) FROM unnest(?::int[]) AS t(k)";

    private static final String LOCK_PARTITIONS_SHARED_AND_STREAMS = """
            SELECT pg_advisory_xact_lock_shared(k, ?) FROM unnest(?::int[]) AS t(k)
            UNION ALL
            SELECT pg_advisory_xact_lock(?, k) FROM unnest(?::int[]) AS t(k)""";

    // One statement: classify every input row (A appended, D duplicate, C conflict, R a repeat of an
    // earlier row of this batch, judged at the end), read the heads of the streams that get new
    // events, insert those with versions, write outbox rows. Data-modifying CTEs run to completion
    // whether or not they are read. Only rows that are not plainly appended come back, plus one row
    // (seq -1) carrying the number inserted, and one row (seq -3) per inline projection on which the
    // catalog and this store disagree ({@link KnownProjections}: nothing is inserted then).
    private static final String APPEND = """
            WITH input AS (
                SELECT * FROM unnest(?::int[], ?::int[], ?::uuid[], ?::text[], ?::text[], ?::int[], ?::timestamptz[],
                                     ?::text[], ?::text[], ?::text[], ?::jsonb[])
                    AS t(seq, first_seq, event_id, stream_id, event_type, schema_version, occurred_at,
                         correlation_id, causation_id, source, payload)
            ),
            %3$s
            classified AS (
                SELECT i.*,
                       CASE
                           WHEN e.event_id IS NOT NULL THEN CASE WHEN e.payload = i.payload THEN 'D' ELSE 'C' END
                           WHEN i.first_seq <> i.seq THEN 'R'
                           ELSE 'A'
                       END AS outcome
                FROM input i LEFT JOIN %1$s e ON e.event_id = i.event_id
            ),
            heads AS (
                SELECT s.stream_id,
                       coalesce((SELECT max(e.stream_version) FROM %1$s e WHERE e.stream_id = s.stream_id), 0) AS version
                FROM (SELECT DISTINCT stream_id FROM classified WHERE outcome = 'A') s
                WHERE NOT EXISTS (SELECT 1 FROM stale)
            ),
            ins AS (
                INSERT INTO %1$s (event_id, stream_id, stream_version, event_type, schema_version, occurred_at,
                                  correlation_id, causation_id, source, payload)
                SELECT c.event_id, c.stream_id, h.version + row_number() OVER (PARTITION BY c.stream_id ORDER BY c.seq),
                       c.event_type, c.schema_version, c.occurred_at, c.correlation_id, c.causation_id, c.source, c.payload
                FROM classified c JOIN heads h ON h.stream_id = c.stream_id
                WHERE c.outcome = 'A'
                ORDER BY c.seq
                RETURNING position, event_id, stream_id, event_type
            ),
            routed AS (
                INSERT INTO outbox (destination, event_table, event_id, event_type, stream_id)
                SELECT r.destination, '%1$s', i.event_id, coalesce(r.derived_type, i.event_type), i.stream_id
                FROM ins i
                JOIN unnest(?::text[], ?::text[], ?::text[]) AS r(destination, only_type, derived_type)
                  ON r.only_type IS NULL OR r.only_type = i.event_type
                ORDER BY i.position
                RETURNING 1
            )
            SELECT c.seq, CASE WHEN c.outcome <> 'R' THEN c.outcome WHEN c.payload = f.payload THEN 'D' ELSE 'C' END, 0
            FROM classified c LEFT JOIN classified f ON c.outcome = 'R' AND f.seq = c.first_seq
            WHERE c.outcome <> 'A'
            UNION ALL
            SELECT -1, 'N', (SELECT count(*) FROM ins)
            UNION ALL
            SELECT -3, name, missing FROM stale""";

    /**
     * Appends {@code events} to {@code table} and routes the new ones through {@code routes}
     * (APPENDED and MAPPED kinds; SUMMARY routes are ignored here).
     *
     * @throws StaleFeedsException when the batch has new events and the {@code projections} catalog has
     *                             an inline projection of {@code table} that this store does not keep
     *                             ({@link KnownProjections}); nothing was inserted, the caller rolls back
     */
    public AppendOutcome append(Connection c, String table, List<EventEnvelope> events, List<DerivedRoute> routes)
            throws SQLException {
        return Tracing.span("inlet.events.append", SpanKind.CLIENT, () -> appendBatch(c, table, events, routes),
                "db.system", "postgresql", "db.sql.table", table, "inlet.events", events.size());
    }

    private AppendOutcome appendBatch(Connection c, String table, List<EventEnvelope> events, List<DerivedRoute> routes)
            throws SQLException {
        if (!TABLE.matcher(table).matches()) throw new IllegalArgumentException("invalid event table name: " + table);
        if (events.isEmpty()) return new AppendOutcome(List.of());
        if (lock(c, table, events)) return wide(c, table, events, routes);

        int n = events.size();
        RouteArrays r = RouteArrays.of(routes);

        EventOutcome[] outcomes = new EventOutcome[n];
        Arrays.fill(outcomes, EventOutcome.APPENDED);
        long inserted = -1;
        KnownProjections.Disagreement stale = new KnownProjections.Disagreement();
        try (PreparedStatement ps = c.prepareStatement(APPEND.formatted(table, null, KnownProjections.STALE_CTE.formatted(table)))) {
            // Always plan with the batch's values: a generic plan cannot see how many rows the arrays
            // hold and joins them by nested loops (measured 10x slower).
            ps.unwrap(PGStatement.class).setPrepareThreshold(0);
            int p = bindEvents(c, ps, 1, events);
            p = known.bind(c, ps, p, table);
            ps.setArray(p++, c.createArrayOf("text", r.destinations()));
            ps.setArray(p++, c.createArrayOf("text", r.onlyTypes()));
            ps.setArray(p, c.createArrayOf("text", r.derivedTypes()));
            try (ResultSet rs = executeAppend(ps, table)) {
                while (rs.next()) {
                    int row = rs.getInt(1);
                    if (row == -1) {
                        inserted = rs.getLong(3);
                        continue;
                    }
                    if (row == -3) {
                        stale.add(rs.getString(2), rs.getInt(3));
                        continue;
                    }
                    outcomes[row] = "D".equals(rs.getString(2)) ? EventOutcome.DUPLICATE : EventOutcome.CONFLICT;
                }
            }
        }
        long expected = Arrays.stream(outcomes).filter(o -> o == EventOutcome.APPENDED).count();
        // the statement inserted nothing: the caller's transaction rolls back whatever else it wrote
        stale.throwIfAny(table, expected > 0);
        if (inserted != expected) {
            // a plain insert inserts every row or fails: a mismatch is a bug in the statement, not a race
            throw new IllegalStateException("the append to " + table + " inserted " + inserted + " events but classified "
                    + expected + " as new");
        }
        if (expected > 0 && projections.follows(table)) {
            List<EventEnvelope> appended = new ArrayList<>((int) expected);
            for (int i = 0; i < n; i++) if (outcomes[i] == EventOutcome.APPENDED) appended.add(events.get(i));
            projections.project(c, table, appended);
        }
        return new AppendOutcome(List.of(outcomes));
    }

    // The append of appendGated: APPEND's classification, with the outcomes resolved in a CTE so that a
    // gate (the caller's data-modifying CTE) can read their counts, and the insert made only when the
    // gate returned a row; rows -3 as in APPEND, and then no counts row (so no claim), when the catalog
    // has an inline projection this store does not keep. Sent in one round trip after the lock statement
    // (see appendGated). Classifies exactly as APPEND does (EventStoreGatedAppendTest compares the two).
    private static final String GATED_APPEND = """
            WITH input AS (
                SELECT * FROM unnest(?::int[], ?::int[], ?::uuid[], ?::text[], ?::text[], ?::int[], ?::timestamptz[],
                                     ?::text[], ?::text[], ?::text[], ?::jsonb[])
                    AS t(seq, first_seq, event_id, stream_id, event_type, schema_version, occurred_at,
                         correlation_id, causation_id, source, payload)
            ),
            %3$s
            classified AS (
                SELECT i.*,
                       CASE
                           WHEN e.event_id IS NOT NULL THEN CASE WHEN e.payload = i.payload THEN 'D' ELSE 'C' END
                           WHEN i.first_seq <> i.seq THEN 'R'
                           ELSE 'A'
                       END AS outcome
                FROM input i LEFT JOIN %1$s e ON e.event_id = i.event_id
            ),
            resolved AS (
                SELECT c.seq, CASE WHEN c.outcome <> 'R' THEN c.outcome WHEN c.payload = f.payload THEN 'D' ELSE 'C' END AS outcome
                FROM classified c LEFT JOIN classified f ON c.outcome = 'R' AND f.seq = c.first_seq
            ),
            counts AS (
                SELECT count(*) FILTER (WHERE outcome = 'A') AS appended, count(*) FILTER (WHERE outcome = 'D') AS duplicate,
                       count(*) FILTER (WHERE outcome = 'C') AS conflict
                FROM resolved
                HAVING count(*) FILTER (WHERE outcome = 'A') = 0 OR NOT EXISTS (SELECT 1 FROM stale)
            ),
            gate AS (
            %2$s
            ),
            heads AS (
                SELECT s.stream_id,
                       coalesce((SELECT max(e.stream_version) FROM %1$s e WHERE e.stream_id = s.stream_id), 0) AS version
                FROM (SELECT DISTINCT stream_id FROM classified WHERE outcome = 'A') s
                WHERE EXISTS (SELECT 1 FROM gate) AND NOT EXISTS (SELECT 1 FROM stale)
            ),
            ins AS (
                INSERT INTO %1$s (event_id, stream_id, stream_version, event_type, schema_version, occurred_at,
                                  correlation_id, causation_id, source, payload)
                SELECT c.event_id, c.stream_id, h.version + row_number() OVER (PARTITION BY c.stream_id ORDER BY c.seq),
                       c.event_type, c.schema_version, c.occurred_at, c.correlation_id, c.causation_id, c.source, c.payload
                FROM classified c JOIN heads h ON h.stream_id = c.stream_id
                WHERE c.outcome = 'A'
                ORDER BY c.seq
                RETURNING position, event_id, stream_id, event_type
            ),
            routed AS (
                INSERT INTO outbox (destination, event_table, event_id, event_type, stream_id)
                SELECT r.destination, '%1$s', i.event_id, coalesce(r.derived_type, i.event_type), i.stream_id
                FROM ins i
                JOIN unnest(?::text[], ?::text[], ?::text[]) AS r(destination, only_type, derived_type)
                  ON r.only_type IS NULL OR r.only_type = i.event_type
                ORDER BY i.position
                RETURNING 1
            )
            SELECT seq, outcome, 0 FROM resolved WHERE outcome <> 'A'
            UNION ALL
            SELECT -1, 'N', (SELECT count(*) FROM ins)
            UNION ALL
            SELECT -2, 'G', (SELECT count(*) FROM gate)
            UNION ALL
            SELECT -3, name, missing FROM stale""";

    /** Ends the text of a gated append that is planned per execution: never the small ones' cached, named statement. */
    private static final String PLANNED_PER_EXECUTION = "\n/* planned per execution */";

    /** Whether an inline projection follows {@code table} (its appends then project in their transaction). */
    public boolean projectsInline(String table) {
        return projections.follows(table);
    }

    /**
     * As {@link #append}, but the events are inserted only if {@code gate} (a data-modifying CTE of the
     * caller's, which may read the batch's outcome counts) returns a row, all in one statement, sent with
     * the lock statement in one round trip (the driver sends both before one Sync: the lock is taken
     * first, and the append's snapshot is taken after it, as with {@link #append}). On a connection in
     * auto-commit mode the two form one implicit transaction: the whole append, gate included, is one
     * round trip and commits at once, or not at all.
     *
     * <p>For a table no inline projection follows ({@link #projectsInline}): projecting needs statements
     * after the insert. A unique violation is a lost race, as in {@link #append} ({@link AppendRaceException}).
     *
     * @throws IllegalStateException when an inline projection follows {@code table}
     * @throws StaleFeedsException   as {@link #append}: then the gate wrote nothing either (its
     *                               {@code counts} had no row) and nothing was inserted
     */
    public GatedAppend appendGated(Connection c, String table, List<EventEnvelope> events, List<DerivedRoute> routes,
                                   AppendGate gate) throws SQLException {
        return Tracing.span("inlet.events.append", SpanKind.CLIENT, () -> appendGatedBatch(c, table, events, routes, gate),
                "db.system", "postgresql", "db.sql.table", table, "inlet.events", events.size());
    }

    private GatedAppend appendGatedBatch(Connection c, String table, List<EventEnvelope> events, List<DerivedRoute> routes,
                                         AppendGate gate) throws SQLException {
        if (!TABLE.matcher(table).matches()) throw new IllegalArgumentException("invalid event table name: " + table);
        if (projections.follows(table)) {
            throw new IllegalStateException("an inline projection follows " + table + ": its appends cannot be gated in one statement");
        }
        int n = events.size();
        if (n == 0) throw new IllegalArgumentException("a gated append needs at least one event");
        Locks locks = Locks.of(table, events);
        EventOutcome[] outcomes = new EventOutcome[n];
        Arrays.fill(outcomes, EventOutcome.APPENDED);
        long inserted = -1, passed = -1;
        KnownProjections.Disagreement stale = new KnownProjections.Disagreement();
        // A message's few events: server-prepared at once and kept by the connection's statement cache,
        // so PostgreSQL parses it once per connection and, after its first five custom plans, runs a
        // generic plan (the nested loops over index scans that suit a handful of rows): ~1 ms of parse
        // and plan saved per message (docs/benchmarks.md, "where the server time goes"). A larger batch
        // is planned with its values, as APPEND is (a generic plan cannot see the arrays' length), and so
        // is every batch on a connection whose URL turned server-side preparing off (prepareThreshold=0,
        // e.g. behind a pooler that cannot keep prepared statements).
        boolean prepare = n <= GENERIC_PLAN_EVENTS_MAX && c.unwrap(PGConnection.class).getPrepareThreshold() > 0;
        String sql = locks.sql() + ";\n" + GATED_APPEND.formatted(table, gate.cte(), KnownProjections.STALE_CTE.formatted(table));
        // pgjdbc caches statements by their text, and a threshold of 0 does not stop it from running one it
        // prepared already: a large batch with the small ones' text would run their named statement and its
        // generic plan (MessageOneRoundTripTest#aLargeGatedAppendAfterSmallOnesOnTheSameConnectionIsStillPlannedWithItsValues)
        if (!prepare) sql += PLANNED_PER_EXECUTION;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.unwrap(PGStatement.class).setPrepareThreshold(prepare ? 1 : 0);
            int p = locks.bind(c, ps, 1);
            p = bindEvents(c, ps, p, events);
            p = known.bind(c, ps, p, table);
            for (Object value : gate.parameters()) ps.setObject(p++, value);
            RouteArrays r = RouteArrays.of(routes);
            ps.setArray(p++, c.createArrayOf("text", r.destinations()));
            ps.setArray(p++, c.createArrayOf("text", r.onlyTypes()));
            ps.setArray(p, c.createArrayOf("text", r.derivedTypes()));
            executeComposite(ps, table);
            if (!ps.getMoreResults()) throw new IllegalStateException("the gated append to " + table + " returned no result");
            try (ResultSet rs = ps.getResultSet()) {
                while (rs.next()) {
                    int row = rs.getInt(1);
                    if (row == -1) {
                        inserted = rs.getLong(3);
                    } else if (row == -2) {
                        passed = rs.getLong(3);
                    } else if (row == -3) {
                        stale.add(rs.getString(2), rs.getInt(3));
                    } else {
                        outcomes[row] = "D".equals(rs.getString(2)) ? EventOutcome.DUPLICATE : EventOutcome.CONFLICT;
                    }
                }
            }
        }
        long classifiedNew = Arrays.stream(outcomes).filter(o -> o == EventOutcome.APPENDED).count();
        // counts had no row, so the gate (the ledger claim) wrote nothing and the statement inserted nothing
        stale.throwIfAny(table, classifiedNew > 0);
        long expected = passed > 0 ? classifiedNew : 0;
        if (inserted != expected) {
            throw new IllegalStateException("the gated append to " + table + " inserted " + inserted + " events but classified "
                    + expected + " as new (gate " + (passed > 0 ? "passed" : "shut") + ")");
        }
        return new GatedAppend(passed > 0, new AppendOutcome(List.of(outcomes)));
    }

    /** Binds the batch's eleven event arrays (the {@code input} CTE) from parameter {@code p}; returns the next index. */
    private static int bindEvents(Connection c, PreparedStatement ps, int p, List<EventEnvelope> events) throws SQLException {
        int n = events.size();
        Integer[] seq = new Integer[n], firstSeq = new Integer[n], schemas = new Integer[n];
        String[] ids = new String[n], streams = new String[n], types = new String[n], occurred = new String[n],
                corr = new String[n], cause = new String[n], sources = new String[n], payloads = new String[n];
        Map<UUID, Integer> firstOf = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            EventEnvelope e = events.get(i);
            seq[i] = i;
            Integer first = firstOf.putIfAbsent(e.eventId(), i);
            firstSeq[i] = first == null ? i : first;
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
        ps.setArray(p++, c.createArrayOf("int4", seq));
        ps.setArray(p++, c.createArrayOf("int4", firstSeq));
        ps.setArray(p++, c.createArrayOf("text", ids));
        ps.setArray(p++, c.createArrayOf("text", streams));
        ps.setArray(p++, c.createArrayOf("text", types));
        ps.setArray(p++, c.createArrayOf("int4", schemas));
        ps.setArray(p++, c.createArrayOf("text", occurred));
        ps.setArray(p++, c.createArrayOf("text", corr));
        ps.setArray(p++, c.createArrayOf("text", cause));
        ps.setArray(p++, c.createArrayOf("text", sources));
        ps.setArray(p++, c.createArrayOf("text", payloads));
        return p;
    }

    /** Runs a statement of several (the lock statement first); a unique violation is a lost race, as in {@link #executeAppend}. */
    private static void executeComposite(PreparedStatement ps, String table) throws SQLException {
        try {
            ps.execute();
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) throw e;
            AppendRaceException race = new AppendRaceException("a concurrent writer inserted one of the batch's event ids or "
                    + "stream versions of " + table + " first (" + e.getMessage() + "); retrying the batch");
            race.initCause(e);
            throw race;
        }
    }

    /**
     * A wide batch (its partitions held exclusively, the file path) appends by probes and COPY
     * ({@link CopyAppend}): the same outcomes, versions and outbox rows as the statement.
     */
    private AppendOutcome wide(Connection c, String table, List<EventEnvelope> events, List<DerivedRoute> routes)
            throws SQLException {
        EventOutcome[] outcomes = CopyAppend.append(c, table, events, routes);
        // after the COPY, which holds the event table ROW EXCLUSIVE: this read's snapshot sees any rebuild's swap
        if (Arrays.asList(outcomes).contains(EventOutcome.APPENDED)) known.check(c, table);
        if (projections.follows(table)) {
            List<EventEnvelope> appended = new ArrayList<>();
            for (int i = 0; i < outcomes.length; i++) if (outcomes[i] == EventOutcome.APPENDED) appended.add(events.get(i));
            if (!appended.isEmpty()) projections.project(c, table, appended);
        }
        return new AppendOutcome(List.of(outcomes));
    }

    private static final String HEAD = "SELECT coalesce(max(stream_version), 0) FROM %1$s WHERE stream_id = ?";

    private static final String STORED = """
            SELECT i.ord - 1, e.stream_id, e.stream_version, e.payload = i.payload
            FROM unnest(?::uuid[], ?::jsonb[]) WITH ORDINALITY AS i(event_id, payload, ord)
            JOIN %1$s e ON e.event_id = i.event_id""";

    /**
     * As {@link #append}, but only if the events' one stream is at {@code expected} (its last
     * version; 0 for a stream with no event yet): the events then get versions {@code expected + 1},
     * {@code expected + 2}, ... An append that was made already (every event stored at exactly the
     * version this append would have given it) is idempotent: its outcomes are DUPLICATE (CONFLICT
     * for an id stored with another payload), nothing is written. Anything else throws.
     *
     * <p>The stream's lock is held from the head's read to the insert, so Inlet's own writers cannot
     * interleave; a writer outside the locks that inserts first makes the insert fail
     * ({@link AppendRaceException}), and the retried transaction then reads the new head.
     *
     * @throws WrongExpectedVersionException when the stream is at another version (the stored one is named)
     * @throws StaleFeedsException           as {@link #append}
     * @throws IllegalArgumentException      when the events are not all of one stream, or {@code expected < 0}
     */
    public AppendOutcome appendAt(Connection c, String table, List<EventEnvelope> events, List<DerivedRoute> routes,
                                  long expected) throws SQLException {
        if (!TABLE.matcher(table).matches()) throw new IllegalArgumentException("invalid event table name: " + table);
        if (expected < 0) throw new IllegalArgumentException("an expected version is 0 or more, found " + expected);
        if (events.isEmpty()) return new AppendOutcome(List.of());
        String stream = events.get(0).streamId();
        for (EventEnvelope e : events) {
            if (!e.streamId().equals(stream)) {
                throw new IllegalArgumentException("an append at an expected version writes one stream; found '"
                        + stream + "' and '" + e.streamId() + "'");
            }
        }
        lock(c, table, events);
        List<StoredAt> stored = storedAt(c, table, events);
        if (!stored.isEmpty()) {
            boolean same = stored.size() == events.size();
            for (StoredAt s : stored) same &= s.streamId().equals(stream) && s.version() == expected + 1 + s.index();
            if (same) {
                EventOutcome[] outcomes = new EventOutcome[events.size()];
                for (StoredAt s : stored) outcomes[s.index()] = s.samePayload() ? EventOutcome.DUPLICATE : EventOutcome.CONFLICT;
                return new AppendOutcome(List.of(outcomes));
            }
        }
        long head = head(c, table, stream);
        if (!stored.isEmpty() || head != expected) {
            throw new WrongExpectedVersionException(new WrongExpectedVersion(table, stream, expected, head));
        }
        return append(c, table, events, routes);
    }

    private record StoredAt(int index, String streamId, long version, boolean samePayload) {
    }

    private static List<StoredAt> storedAt(Connection c, String table, List<EventEnvelope> events) throws SQLException {
        String[] ids = new String[events.size()], payloads = new String[events.size()];
        for (int i = 0; i < events.size(); i++) {
            ids[i] = events.get(i).eventId().toString();
            payloads[i] = events.get(i).payloadJson();
        }
        List<StoredAt> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(STORED.formatted(table))) {
            ps.setArray(1, c.createArrayOf("text", ids));
            ps.setArray(2, c.createArrayOf("text", payloads));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new StoredAt(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getBoolean(4)));
            }
        }
        return out;
    }

    private static long head(Connection c, String table, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HEAD.formatted(table))) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The outcome of {@link #appendEach}: one outcome per event, and for each {@link EventOutcome#REFUSED}
     * one (by its index in the batch) what PostgreSQL said.
     */
    public record IsolatedAppend(AppendOutcome outcome, Map<Integer, String> refusals) {
    }

    /**
     * As {@link #append}, but each event on its own, under a savepoint: an event PostgreSQL refuses
     * with a data error ({@link StoreDataException#isDataError}) is left out as
     * {@link EventOutcome#REFUSED} and the others append as {@link #append} would have appended them
     * (same versions, same outbox rows). For a batch whose append failed with a
     * {@link StoreDataException}: the values were checked before ({@link PostgresValues}), so this is
     * rare, and it costs a statement per event. The batch's locks are taken first, all at once and
     * in order as {@link #append} takes them; each event's own locks are then already held.
     */
    public IsolatedAppend appendEach(Connection c, String table, List<EventEnvelope> events, List<DerivedRoute> routes)
            throws SQLException {
        if (!TABLE.matcher(table).matches()) throw new IllegalArgumentException("invalid event table name: " + table);
        if (events.isEmpty()) return new IsolatedAppend(new AppendOutcome(List.of()), Map.of());
        lock(c, table, events);
        List<EventOutcome> outcomes = new ArrayList<>(events.size());
        Map<Integer, String> refusals = new TreeMap<>();
        for (int i = 0; i < events.size(); i++) {
            Savepoint before = c.setSavepoint();
            try {
                outcomes.add(append(c, table, List.of(events.get(i)), routes).outcomes().get(0));
                c.releaseSavepoint(before);
            } catch (SQLException e) {
                if (!StoreDataException.isDataError(e)) throw e;
                c.rollback(before);
                outcomes.add(EventOutcome.REFUSED);
                refusals.put(i, "SQLState " + e.getSQLState() + ": " + e.getMessage());
            }
        }
        return new IsolatedAppend(new AppendOutcome(outcomes), refusals);
    }

    /**
     * Runs the append statement. A unique violation can only mean that another transaction inserted
     * one of the batch's event ids or stream versions after the batch was classified (the statement
     * inserts only ids it found absent, with versions after the stream's last): a lost race, which
     * the transaction retries whole.
     */
    private static ResultSet executeAppend(PreparedStatement ps, String table) throws SQLException {
        try {
            return ps.executeQuery();
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) throw e;
            AppendRaceException race = new AppendRaceException("a concurrent writer inserted one of the batch's event ids or "
                    + "stream versions of " + table + " first (" + e.getMessage() + "); retrying the batch");
            race.initCause(e);
            throw race;
        }
    }

    private static final String UNIQUE_VIOLATION = "23505";

    /** Routes as the statement's three parallel arrays (APPENDED and MAPPED kinds; SUMMARY is not per event). */
    private record RouteArrays(String[] destinations, String[] onlyTypes, String[] derivedTypes) {
        static RouteArrays of(List<DerivedRoute> routes) {
            List<String> dest = new ArrayList<>(), only = new ArrayList<>(), derived = new ArrayList<>();
            for (DerivedRoute r : routes) {
                if (r.kind() == DerivedRoute.Kind.SUMMARY) continue;
                String mapped = r.kind() == DerivedRoute.Kind.MAPPED ? r.mappedType() : null;
                List<String> types = r.eventTypes().isEmpty() ? Collections.singletonList(null) : r.eventTypes();
                for (String t : types) {
                    dest.add(r.destination());
                    only.add(t);
                    derived.add(mapped);
                }
            }
            return new RouteArrays(dest.toArray(String[]::new), only.toArray(String[]::new), derived.toArray(String[]::new));
        }
    }

    /**
     * Takes the partitions of a wide batch's streams exclusively, or those of a narrow one's shared
     * plus one lock per stream; whether the batch was wide.
     */
    private static boolean lock(Connection c, String table, List<EventEnvelope> events) throws SQLException {
        Locks locks = Locks.of(table, events);
        try (PreparedStatement ps = c.prepareStatement(locks.sql())) {
            locks.bind(c, ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // one row per lock taken, in order
                }
            }
        }
        return locks.wide();
    }

    /** The advisory locks of a batch (see the class comment): the statement that takes them and its values. */
    private record Locks(boolean wide, int tableKey, Integer[] partitions, Integer[] streamKeys) {

        static Locks of(String table, List<EventEnvelope> events) {
            TreeSet<Integer> partitions = new TreeSet<>();
            TreeSet<Integer> streamKeys = new TreeSet<>();
            Set<String> streams = new HashSet<>();
            for (EventEnvelope e : events) {
                if (!streams.add(e.streamId())) continue;
                int key = lockKey(table, e.streamId());
                partitions.add(PARTITION_LOCK_CLASS + partitionOfKey(key));
                if (streams.size() <= LOCKED_STREAMS_MAX) streamKeys.add(key);
            }
            return new Locks(streams.size() > LOCKED_STREAMS_MAX, EventStore.tableKey(table), partitions.toArray(Integer[]::new),
                    streamKeys.toArray(Integer[]::new));
        }

        String sql() {
            return wide ? LOCK_PARTITIONS : LOCK_PARTITIONS_SHARED_AND_STREAMS;
        }

        /** Binds the values from parameter {@code p}; returns the next parameter's index. */
        int bind(Connection c, PreparedStatement ps, int p) throws SQLException {
            ps.setInt(p++, tableKey);
            ps.setArray(p++, c.createArrayOf("int4", partitions));
            if (!wide) {
                ps.setInt(p++, STREAM_LOCK_CLASS);
                ps.setArray(p++, c.createArrayOf("int4", streamKeys));
            }
            return p;
        }
    }

    /** The lock partition of a stream of {@code table} (0 to {@value #PARTITIONS} - 1). */
    public static int partitionOf(String table, String streamId) {
        return partitionOfKey(lockKey(table, streamId));
    }

    /**
     * The lane, of {@code lanes}, that appends a stream of {@code table}: each lane owns whole lock
     * partitions, so the wide batches of two lanes never wait for each other.
     */
    public static int laneOf(String table, String streamId, int lanes) {
        return partitionOf(table, streamId) % lanes;
    }

    private static int partitionOfKey(int streamKey) {
        return Integer.remainderUnsigned(streamKey, PARTITIONS);
    }

    static int tableKey(String table) {
        return crc32c(table);
    }

    static int lockKey(String table, String streamId) {
        return crc32c(table + '\u0000' + streamId);
    }

    private static int crc32c(String s) {
        CRC32C crc = new CRC32C();
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }
}
