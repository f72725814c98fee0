-- Roles, written down with their privileges instead of left to whoever runs the migration.
--   inlet_ingest : what the ingestion functions need: append events (never change them), the ledger,
--                  rejects, outbox rows, message idempotency.
--   inlet_relay  : what the relay needs: read events, claim/mark/purge outbox rows.
--   inlet_reader : read everything, change nothing.
-- They are NOLOGIN groups: a platform team creates login users IN ROLE one of them (docs/deploy.md).
-- Creating roles needs CREATEROLE (RDS and Cloud SQL master users have it).
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['inlet_ingest', 'inlet_relay', 'inlet_reader'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END;
$$;

GRANT USAGE ON SCHEMA ${flyway:defaultSchema} TO inlet_ingest, inlet_relay, inlet_reader;

GRANT SELECT ON event_tables TO inlet_ingest, inlet_relay, inlet_reader;
GRANT SELECT, INSERT, UPDATE ON stream_heads TO inlet_ingest;
GRANT SELECT, INSERT, UPDATE ON ingested_files TO inlet_ingest;
GRANT SELECT, INSERT ON ingest_slices TO inlet_ingest;
GRANT SELECT, INSERT ON rejected_records TO inlet_ingest;
GRANT SELECT, INSERT ON outbox TO inlet_ingest;
GRANT SELECT, INSERT, UPDATE ON processed_messages TO inlet_ingest;
GRANT USAGE ON SEQUENCE event_position_seq TO inlet_ingest;

GRANT SELECT, UPDATE, DELETE ON outbox TO inlet_relay;

GRANT SELECT ON ALL TABLES IN SCHEMA ${flyway:defaultSchema} TO inlet_reader;

-- Event tables: ingest may read (duplicate detection) and insert, never update or delete.
CREATE OR REPLACE FUNCTION grant_event_table(table_name text) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT ON %I TO inlet_ingest', table_name);
    EXECUTE format('GRANT SELECT ON %I TO inlet_relay, inlet_reader', table_name);
END;
$$;

SELECT grant_event_table(table_name) FROM event_tables;

-- New event tables get the same grants as they are created.
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
    PERFORM grant_event_table(table_name);
END;
$$;
