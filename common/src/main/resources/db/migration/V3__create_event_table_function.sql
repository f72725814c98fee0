-- Registry of the event tables, so checks and the relay can find them all.
CREATE TABLE event_tables (
    table_name text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE event_tables IS 'Grain: one row is one event table of the canonical shape.';

-- Creates an event table of the canonical shape (DESIGN §3) if it does not exist.
-- Called for the default table below and by `inlet migrate` for each table a feed declares.
CREATE FUNCTION create_event_table(table_name text) RETURNS void
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
            CONSTRAINT %2$I PRIMARY KEY (event_id),
            CONSTRAINT %3$I UNIQUE (stream_id, stream_version),
            CONSTRAINT %4$I UNIQUE (position)
        )$f$, table_name, table_name || '_pkey', table_name || '_stream_version_key',
              table_name || '_position_key');
    EXECUTE format('CREATE INDEX %I ON %I (event_type, recorded_at)', table_name || '_type_recorded_idx', table_name);
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION refuse_event_change()',
                   table_name || '_append_only', table_name);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change()',
                   table_name || '_no_truncate', table_name);
    EXECUTE format('COMMENT ON TABLE %I IS %L', table_name,
                   'Grain: one row is one immutable event, identified by event_id (UUIDv5, the idempotency key); '
                   || 'append-only: UPDATE, DELETE and TRUNCATE are refused by trigger.');
    INSERT INTO event_tables (table_name) VALUES (table_name) ON CONFLICT DO NOTHING;
END;
$$;
