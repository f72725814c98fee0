-- Operator interventions on the file ledger, each audited in a table of its own (issue 13.3, 13.4).
--
-- reprocess_runs: `inlet reprocess` reopens a COMPLETED or REJECTED object version for one more run
-- (after a feed fix). The ledger row keeps its identity, its claim history (ingest_slices go on
-- numbering) and its correlation id; its position and counts start again, and the run's outcome
-- and counts are written here when it ends. The counts the version had before are kept here too.
CREATE TABLE reprocess_runs (
    run_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_id           bigint      NOT NULL REFERENCES ingested_files (file_id),
    operator          text        NOT NULL,
    reason            text        NOT NULL CHECK (length(btrim(reason)) > 0),
    requested_at      timestamptz NOT NULL DEFAULT now(),
    previous_status   text        NOT NULL CHECK (previous_status IN ('COMPLETED', 'REJECTED')),
    previous_read     bigint      NOT NULL,
    previous_appended bigint      NOT NULL,
    previous_rejected bigint      NOT NULL,
    previous_error    text,
    rejects_cleared   bigint      NOT NULL DEFAULT 0,
    outcome           text,
    records_read      bigint,
    appended          bigint,
    duplicate         bigint,
    conflict          bigint,
    rejected          bigint,
    first_error       text,
    finished_at       timestamptz
);
CREATE INDEX reprocess_runs_file_idx ON reprocess_runs (file_id, run_id);
COMMENT ON TABLE reprocess_runs IS
    'Grain: one row is one forced reprocess of one object version: who, when, why, what it was before, and how the run ended.';

-- lease_releases: a claim given up early. Kinds: RELEASE (the holder itself, on Ctrl-C or SIGTERM),
-- UNLOCK (`inlet unlock`, a dead holder), TAKE_OVER (`inlet ingest --take-over`), FORCED (an operator
-- releasing a live lease with --force). The checkpoint stays: the next claim resumes from it.
CREATE TABLE lease_releases (
    release_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_id          bigint      NOT NULL REFERENCES ingested_files (file_id),
    kind             text        NOT NULL CHECK (kind IN ('RELEASE', 'UNLOCK', 'TAKE_OVER', 'FORCED')),
    lease_owner      text        NOT NULL,
    lease_expires_at timestamptz,
    released_by      text        NOT NULL,
    reason           text,
    next_record      bigint      NOT NULL,
    released_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lease_releases_file_idx ON lease_releases (file_id, release_id);
COMMENT ON TABLE lease_releases IS
    'Grain: one row is one lease on one file given up before its expiry, by its holder or by an operator.';

GRANT SELECT, INSERT, UPDATE ON reprocess_runs, lease_releases TO inlet_ingest;
GRANT SELECT ON reprocess_runs, lease_releases TO inlet_reader;
