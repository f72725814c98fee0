-- Projections (docs/read-side.md, "Projections"): read model tables declared in the feeds file,
-- one row per stream of an event table. This catalog says which projections this database has
-- built, from which definition, and where each async projector stands.
CREATE TABLE projections (
    name            text        PRIMARY KEY CHECK (name ~ '^[a-z_][a-z0-9_]{0,47}$'),
    table_name      text        NOT NULL UNIQUE CHECK (table_name ~ '^[a-z_][a-z0-9_]{0,47}$'),
    source_table    text        NOT NULL,
    mode            text        NOT NULL CHECK (mode IN ('inline', 'async')),
    definition      text        NOT NULL,
    checkpoint      text        NOT NULL,
    applied_events  bigint      NOT NULL DEFAULT 0 CHECK (applied_events >= 0),
    last_run_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    rebuilt_at      timestamptz NOT NULL DEFAULT now(),
    last_error      text
);
COMMENT ON TABLE projections IS
    'Grain: one row is one projection built in this database: its table, the definition that built it (a rebuild replaces both), '
    'and for mode async the checkpoint of its projector (an opaque token of the event reader), moved in the same '
    'transaction as the rows it applied.';

GRANT SELECT ON projections TO inlet_ingest, inlet_reader;
GRANT SELECT, UPDATE ON projections TO inlet_relay;
-- the async projector's reader waits for in-flight appends and then reads the position sequence
GRANT SELECT ON SEQUENCE event_position_seq TO inlet_relay;

-- A projection table is written by the appends (inline) or the relay's projector (async), read by all.
CREATE OR REPLACE FUNCTION grant_projection_table(table_name text) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF table_name !~ '^[a-z_][a-z0-9_]{0,62}$' THEN
        RAISE EXCEPTION 'invalid projection table name: %', table_name;
    END IF;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %I TO inlet_ingest, inlet_relay', table_name);
    EXECUTE format('GRANT SELECT ON %I TO inlet_reader', table_name);
END;
$$;
