package io.inlet.bench;

/**
 * The set-based append statement, with the batch's rows coming from a pluggable {@code input}
 * source (unnest arrays or a staging table). Two shapes:
 *
 * <ul>
 *   <li>{@link Shape#CTE_JOINS}: EventStore's first statement (replaced by SINGLE_PASS, kept for comparison). It joins CTEs to
 *       each other ({@code numbered ⋈ ins} twice); CTE scans carry no statistics, DISTINCT ON is
 *       estimated at 200 rows and the anti join at 1, so the planner picks nested loops over two
 *       5,000-row CTE scans: 25 million comparisons per join, quadratic in the batch size.
 *   <li>{@link Shape#SINGLE_PASS}: the same semantics with no CTE-to-CTE join on batch-sized sets.
 *       Each row is classified once (window over the batch for in-batch repeats, one lookup of the
 *       event table); the outbox is ordered by the inserted rows' position (assigned in seq order);
 *       a lost race is detected by comparing inserted with expected counts instead of per row.
 * </ul>
 *
 * Both read {@code %1$s} = event table, {@code %2$s} = its name as a literal (validated by the
 * caller), {@code %3$s} = the input CTE body. Route arrays are the last three parameters.
 */
final class AppendSql {

    enum Shape { CTE_JOINS, SINGLE_PASS }

    private AppendSql() {
    }

    static String statement(Shape shape, String table, String inputCte) {
        return (shape == Shape.CTE_JOINS ? CTE_JOINS : SINGLE_PASS).formatted(table, table, inputCte);
    }

    static final String UNNEST_INPUT = """
            SELECT * FROM unnest(?::int[], ?::uuid[], ?::text[], ?::text[], ?::int[], ?::timestamptz[],
                                 ?::text[], ?::text[], ?::text[], ?::jsonb[])
                AS t(seq, event_id, stream_id, event_type, schema_version, occurred_at,
                     correlation_id, causation_id, source, payload)""";

    // Drains what it reads, so two appends in one transaction never see each other's rows.
    static final String STAGING_INPUT = """
            DELETE FROM pg_temp.inlet_append_staging
            RETURNING seq, event_id, stream_id, event_type, schema_version, occurred_at,
                      correlation_id, causation_id, source, payload""";

    /** Result columns: seq, outcome (A/D/C, R = lost race). */
    private static final String CTE_JOINS = """
            WITH input AS (
            %3$s
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

    /** Result columns: seq, outcome (A/D/C), inserted (rows ins wrote; fewer than the A rows = lost race). */
    private static final String SINGLE_PASS = """
            WITH input AS (
            %3$s
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
}
