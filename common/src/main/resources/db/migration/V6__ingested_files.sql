-- The file ledger: one row per object version, its lease while in progress, its checkpoint,
-- and its counts once finished.
CREATE TABLE ingested_files (
    file_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    feed             text        NOT NULL,
    bucket           text        NOT NULL,
    object_key       text        NOT NULL,
    version_id       text        NOT NULL DEFAULT '',
    etag             text        NOT NULL DEFAULT '',
    size_bytes       bigint,
    sequencer        text,
    status           text        NOT NULL CHECK (status IN
                         ('IN_PROGRESS', 'COMPLETED', 'REJECTED', 'DUPLICATE_CONTENT', 'REMOVED')),
    lease_owner      text,
    lease_expires_at timestamptz,
    attempts         integer     NOT NULL DEFAULT 0,
    slices           integer     NOT NULL DEFAULT 0,
    next_record      bigint      NOT NULL DEFAULT 1,
    next_line        bigint      NOT NULL DEFAULT 1,
    next_offset      bigint      NOT NULL DEFAULT 0,
    records_read     bigint      NOT NULL DEFAULT 0,
    appended         bigint      NOT NULL DEFAULT 0,
    duplicate        bigint      NOT NULL DEFAULT 0,
    conflict         bigint      NOT NULL DEFAULT 0,
    rejected         bigint      NOT NULL DEFAULT 0,
    content_sha256   text,
    duplicate_of     bigint REFERENCES ingested_files (file_id),
    first_error      text,
    correlation_id   text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    duration_ms      bigint,
    CONSTRAINT ingested_files_object_identity UNIQUE (bucket, object_key, version_id, etag),
    CONSTRAINT ingested_files_lease_when_in_progress CHECK (status <> 'IN_PROGRESS' OR lease_owner IS NOT NULL)
);
CREATE INDEX ingested_files_recent_idx ON ingested_files (updated_at DESC);
CREATE INDEX ingested_files_key_idx ON ingested_files (bucket, object_key);
CREATE INDEX ingested_files_sha_idx ON ingested_files (content_sha256) WHERE content_sha256 IS NOT NULL;
COMMENT ON TABLE ingested_files IS
    'Grain: one row is one object version (bucket, key, version id, etag) seen by a feed or removed.';

CREATE TABLE ingest_slices (
    file_id      bigint      NOT NULL REFERENCES ingested_files (file_id),
    slice_no     integer     NOT NULL,
    worker       text        NOT NULL,
    from_record  bigint      NOT NULL,
    to_record    bigint      NOT NULL,
    from_offset  bigint      NOT NULL,
    to_offset    bigint      NOT NULL,
    started_at   timestamptz NOT NULL,
    ended_at     timestamptz NOT NULL DEFAULT now(),
    outcome      text        NOT NULL,
    PRIMARY KEY (file_id, slice_no)
);
COMMENT ON TABLE ingest_slices IS
    'Grain: one row is one invocation''s slice of one file: the records and bytes it committed.';
