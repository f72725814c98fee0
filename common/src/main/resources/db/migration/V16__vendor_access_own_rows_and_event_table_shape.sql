-- 1. A vendor reader sees only its own vendor_access rows (before: the whole table, so every
--    vendor's role and folder). The event tables' vendor_rows policy reads vendor_access as the
--    vendor reader, so it sees the same rows it needs: those of roles the reader is a member of.
--    Membership is tested by the role's oid from pg_roles, so a row naming a dropped role hides
--    itself instead of failing every query.
ALTER TABLE vendor_access ENABLE ROW LEVEL SECURITY;

CREATE POLICY inlet_services ON vendor_access TO inlet_ingest, inlet_relay, inlet_reader
    USING (true) WITH CHECK (true);

CREATE POLICY own_rows ON vendor_access FOR SELECT TO inlet_vendor_reader
    USING (EXISTS (SELECT 1 FROM pg_roles r
                   WHERE r.rolname = vendor_access.role_name AND pg_has_role(current_user, r.oid, 'MEMBER')));

-- 2. What is wrong with a relation a feed names as its event table: nothing returned means it is
--    an event table of the canonical shape (V3), registered, unique per stream version and
--    append-only. `inlet migrate` refuses a feed table for which this returns anything, since
--    create_event_table leaves an existing relation of that name as it is.
CREATE FUNCTION event_table_problems(table_name text) RETURNS SETOF text
LANGUAGE plpgsql STABLE SET search_path FROM CURRENT AS $$
DECLARE
    rel  regclass := to_regclass(format('%I.%I', current_schema(), table_name));
    kind "char";
    col  record;
BEGIN
    IF rel IS NULL THEN
        RETURN NEXT 'does not exist';
        RETURN;
    END IF;
    SELECT c.relkind INTO kind FROM pg_class c WHERE c.oid = rel;
    IF kind NOT IN ('r', 'p') THEN
        RETURN NEXT format('is not a table (relation kind %s)', kind);
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM event_tables e WHERE e.table_name = event_table_problems.table_name) THEN
        RETURN NEXT 'is not registered in event_tables (create_event_table did not make it)';
    END IF;
    FOR col IN
        SELECT x.name, x.type, format_type(a.atttypid, a.atttypmod) AS actual
        FROM (VALUES ('position', 'bigint'), ('event_id', 'uuid'), ('stream_id', 'text'), ('stream_version', 'bigint'),
                     ('event_type', 'text'), ('schema_version', 'integer'), ('occurred_at', 'timestamp with time zone'),
                     ('recorded_at', 'timestamp with time zone'), ('correlation_id', 'text'), ('causation_id', 'text'),
                     ('source', 'text'), ('payload', 'jsonb')) AS x(name, type)
        LEFT JOIN pg_attribute a ON a.attrelid = rel AND a.attname = x.name AND a.attnum > 0 AND NOT a.attisdropped
    LOOP
        IF col.actual IS NULL THEN
            RETURN NEXT format('has no column %s (%s)', col.name, col.type);
        ELSIF col.actual <> col.type THEN
            RETURN NEXT format('column %s is %s, not %s', col.name, col.actual, col.type);
        END IF;
    END LOOP;
    IF NOT EXISTS (
        SELECT 1 FROM pg_index i
        WHERE i.indrelid = rel AND i.indisunique AND i.indnkeyatts = 2
          AND (SELECT array_agg(a.attname::text ORDER BY k.ord)
               FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = rel AND a.attnum = k.attnum) = ARRAY['stream_id', 'stream_version']) THEN
        RETURN NEXT 'has no UNIQUE (stream_id, stream_version)';
    END IF;
    -- trigger type bits (pg_trigger.h): DELETE 8, UPDATE 16, TRUNCATE 32
    IF NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = rel AND NOT t.tgisinternal
                   AND t.tgfoid = 'refuse_event_change'::regproc AND (t.tgtype & 24) = 24)
       OR NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = rel AND NOT t.tgisinternal
                      AND t.tgfoid = 'refuse_event_change'::regproc AND (t.tgtype & 32) = 32) THEN
        RETURN NEXT 'is not append-only (no refuse_event_change trigger for UPDATE, DELETE and TRUNCATE)';
    END IF;
END;
$$;

GRANT EXECUTE ON FUNCTION event_table_problems(text) TO inlet_ingest, inlet_relay, inlet_reader;
