-- Optional row-level security per vendor on event tables.
-- A vendor reader is a login role IN ROLE inlet_vendor_reader; vendor_access says which source
-- prefixes (bucket/vendor-folder/, or a message channel) each such role may see. Isolation is
-- switched on per table with enable_vendor_isolation(table); the ingest, relay and reader roles
-- keep seeing every row.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'inlet_vendor_reader') THEN
        CREATE ROLE inlet_vendor_reader NOLOGIN;
    END IF;
END;
$$;

CREATE TABLE vendor_access (
    role_name     text NOT NULL,
    source_prefix text NOT NULL CHECK (length(source_prefix) > 0),
    PRIMARY KEY (role_name, source_prefix)
);
COMMENT ON TABLE vendor_access IS
    'Grain: one row is one source prefix (bucket/vendor-folder/ or channel/) one vendor reader role may see.';

GRANT USAGE ON SCHEMA ${flyway:defaultSchema} TO inlet_vendor_reader;
GRANT SELECT ON vendor_access TO inlet_vendor_reader;
GRANT SELECT ON vendor_access TO inlet_reader;

CREATE FUNCTION enable_vendor_isolation(table_name text) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM event_tables e WHERE e.table_name = enable_vendor_isolation.table_name) THEN
        RAISE EXCEPTION 'not an event table: %', table_name;
    END IF;
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
    EXECUTE format('DROP POLICY IF EXISTS inlet_services ON %I', table_name);
    EXECUTE format('CREATE POLICY inlet_services ON %I TO inlet_ingest, inlet_relay, inlet_reader '
                   'USING (true) WITH CHECK (true)', table_name);
    EXECUTE format('DROP POLICY IF EXISTS vendor_rows ON %I', table_name);
    EXECUTE format('CREATE POLICY vendor_rows ON %I FOR SELECT TO inlet_vendor_reader USING ('
                   'EXISTS (SELECT 1 FROM vendor_access va WHERE pg_has_role(current_user, va.role_name, ''MEMBER'') '
                   'AND starts_with(source, va.source_prefix)))', table_name);
    EXECUTE format('GRANT SELECT ON %I TO inlet_vendor_reader', table_name);
END;
$$;
