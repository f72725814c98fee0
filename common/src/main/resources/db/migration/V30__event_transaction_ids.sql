-- Gap-safe reading (docs/read-side.md, io.inlet.read.EventReader). Positions come from a sequence at
-- insert time, so a transaction can take a lower position and commit after a higher one: a reader
-- following positions skips it. Every event row now records the transaction that wrote it (tx, a
-- 64-bit xid8 that never wraps); a reader orders by (tx, position) and reads only rows whose tx is
-- below the oldest transaction still running (pg_snapshot_xmin of its own snapshot). Every
-- transaction below that is finished, and any transaction that has yet to commit has a higher
-- id than the reader's checkpoint, so nothing can appear behind a checkpoint once read.

-- 1. Existing tables: rows already there get tx 0 (all committed long ago; they keep position
--    order among themselves and come before every later row). A constant default adds the column
--    without rewriting the table (no UPDATE, so the append-only trigger is not involved); the
--    default for new rows is then the writing transaction's id. The index keeps a read from a
--    checkpoint an index range scan however large the table grows.
CREATE FUNCTION add_event_tx_column(table_name text) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = to_regclass(format('%I.%I', current_schema(), table_name))
               AND a.attname = 'tx' AND NOT a.attisdropped) THEN
        RETURN;
    END IF;
    EXECUTE format($f$ALTER TABLE %I ADD COLUMN tx xid8 NOT NULL DEFAULT '0'$f$, table_name);
    EXECUTE format('ALTER TABLE %I ALTER COLUMN tx SET DEFAULT pg_current_xact_id()', table_name);
    EXECUTE format('CREATE INDEX %I ON %I (tx, position)', table_name || '_tx_position_idx', table_name);
END;
$$;

SELECT add_event_tx_column(e.table_name) FROM event_tables e
WHERE to_regclass(format('%I.%I', current_schema(), e.table_name)) IS NOT NULL;

DROP FUNCTION add_event_tx_column(text);

-- 2. New event tables get the column and the index as they are created (V10's function, plus tx).
CREATE OR REPLACE FUNCTION create_event_table(table_name text) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF table_name !~ '^[a-z_][a-z0-9_]{0,62}$' THEN
        RAISE EXCEPTION 'invalid event table name: %', table_name;
    END IF;
    IF to_regclass(format('%I.%I', current_schema(), table_name)) IS NOT NULL THEN
        RETURN;
    END IF;
    EXECUTE format($f$
        CREATE TABLE %1$I (
            position        bigint      NOT NULL DEFAULT nextval('event_position_seq'),
            event_id        uuid        NOT NULL,
            stream_id       text        NOT NULL,
            stream_version  bigint      NOT NULL CHECK (stream_version >= 1),
            event_type      text        NOT NULL,
            schema_version  integer     NOT NULL DEFAULT 1,
            occurred_at     timestamptz NOT NULL,
            recorded_at     timestamptz NOT NULL DEFAULT now(),
            correlation_id  text,
            causation_id    text,
            source          text        NOT NULL,
            payload         jsonb       NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
            tx              xid8        NOT NULL DEFAULT pg_current_xact_id(),
            CONSTRAINT %2$I PRIMARY KEY (event_id),
            CONSTRAINT %3$I UNIQUE (stream_id, stream_version),
            CONSTRAINT %4$I UNIQUE (position)
        )$f$, table_name, table_name || '_pkey', table_name || '_stream_version_key',
              table_name || '_position_key');
    EXECUTE format('CREATE INDEX %I ON %I (event_type, recorded_at)', table_name || '_type_recorded_idx', table_name);
    EXECUTE format('CREATE INDEX %I ON %I (tx, position)', table_name || '_tx_position_idx', table_name);
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION refuse_event_change()',
                   table_name || '_append_only', table_name);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change()',
                   table_name || '_no_truncate', table_name);
    EXECUTE format('COMMENT ON TABLE %I IS %L', table_name,
                   'Grain: one row is one immutable event, identified by event_id (UUIDv5, the idempotency key); '
                   || 'append-only: UPDATE, DELETE and TRUNCATE are refused by trigger.');
    INSERT INTO event_tables (table_name) VALUES (table_name) ON CONFLICT DO NOTHING;
    PERFORM grant_event_table(table_name);
END;
$$;

-- 3. The shape check (V16) requires the column: a table without it could not be read gap-safe.
CREATE OR REPLACE FUNCTION event_table_problems(table_name text) RETURNS SETOF text
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
                     ('source', 'text'), ('payload', 'jsonb'), ('tx', 'xid8')) AS x(name, type)
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
