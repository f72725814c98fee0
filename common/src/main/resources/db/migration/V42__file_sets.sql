-- File sets (issue 17.2): a feed may declare that the objects under one prefix form a set gated by
-- a marker (_SUCCESS), a manifest or a member count. Members are held in the ledger (status HELD,
-- written by FileLedger only) and listed here; when the gate opens the set loads in ONE transaction
-- (all its events visible together, or none). A set's identity is its prefix plus its marker's
-- object version (marker_file_id, the marker's own ledger row); a count-gated set has no marker.
CREATE TABLE file_sets (
    set_id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    feed                   text        NOT NULL,
    bucket                 text        NOT NULL,
    prefix                 text        NOT NULL,
    status                 text        NOT NULL CHECK (status IN ('WAITING', 'MARKED', 'LOADED', 'REJECTED')),
    marker_file_id         bigint      REFERENCES ingested_files (file_id),
    expected_count         integer,
    manifest               jsonb,
    opened_at              timestamptz NOT NULL DEFAULT now(),
    deadline_at            timestamptz NOT NULL,
    marked_at              timestamptz,
    finished_at            timestamptz,
    reason                 text,
    incomplete_reported_at timestamptz,
    CONSTRAINT file_sets_marker_once UNIQUE (marker_file_id),
    CONSTRAINT file_sets_rejected_says_why CHECK (status <> 'REJECTED' OR reason IS NOT NULL)
);
-- at most one open set per prefix: a member or marker joins it, or opens the next one
CREATE UNIQUE INDEX file_sets_open_key ON file_sets (feed, bucket, prefix) WHERE status IN ('WAITING', 'MARKED');
CREATE INDEX file_sets_overdue_idx ON file_sets (deadline_at) WHERE status IN ('WAITING', 'MARKED')
    AND incomplete_reported_at IS NULL;
COMMENT ON TABLE file_sets IS
    'Grain: one row is one set of objects under one prefix of a feed, from its first object to its load (LOADED) or refusal (REJECTED, reason names the member).';

CREATE TABLE file_set_members (
    file_id    bigint      PRIMARY KEY REFERENCES ingested_files (file_id),
    set_id     bigint      NOT NULL REFERENCES file_sets (set_id),
    object_key text        NOT NULL,
    joined_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX file_set_members_set_idx ON file_set_members (set_id, object_key);
COMMENT ON TABLE file_set_members IS
    'Grain: one row is one object version (ledger row) that belongs to one file set; a redelivery is the same row.';

GRANT SELECT, INSERT, UPDATE ON file_sets, file_set_members TO inlet_ingest;
GRANT SELECT ON file_sets, file_set_members TO inlet_reader;
