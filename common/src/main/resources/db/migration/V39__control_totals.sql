-- Control totals (issue 17.1): what a file's header, trailer or sidecar declared and what Inlet
-- counted, summed and hashed before loading any record of it. One row per ledger row, written only
-- by totals.ControlTotalsLedger. A file loads only after its row says MATCHED; a MISMATCHED file is
-- REJECTED in ingested_files with both values in its error; a WAITING file waits for its sidecar.
CREATE TABLE control_totals (
    file_id        bigint      PRIMARY KEY REFERENCES ingested_files (file_id),
    feed           text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('WAITING', 'MATCHED', 'MISMATCHED', 'SIDECAR_LATE')),
    sidecar_key    text,
    waiting_since  timestamptz,
    header_record  bigint,
    trailer_record bigint,
    checks         jsonb       NOT NULL DEFAULT '[]',
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX control_totals_sidecar_idx ON control_totals (sidecar_key) WHERE sidecar_key IS NOT NULL;
COMMENT ON TABLE control_totals IS
    'Grain: one row is one ledger row''s (file version''s) control-total verification: declared vs counted, per total.';

GRANT SELECT, INSERT, UPDATE ON control_totals TO inlet_ingest;
GRANT SELECT ON control_totals TO inlet_reader;
