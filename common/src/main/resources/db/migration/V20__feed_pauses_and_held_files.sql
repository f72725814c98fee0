-- Pausing a file feed (issue 13.6). While a feed is paused, a notification of a new object version
-- of it is recorded in the ledger as HELD (nothing loaded, nothing dead-lettered, the trigger
-- answered as done); `inlet feed resume` loads the held versions in arrival order (file_id).
-- A HELD row has no lease; a claim of it (once the feed runs again) makes it IN_PROGRESS.
ALTER TABLE ingested_files DROP CONSTRAINT ingested_files_status_check;
ALTER TABLE ingested_files ADD CONSTRAINT ingested_files_status_check CHECK (status IN
    ('IN_PROGRESS', 'COMPLETED', 'REJECTED', 'DUPLICATE_CONTENT', 'REMOVED', 'HELD'));
CREATE INDEX ingested_files_held_idx ON ingested_files (feed, file_id) WHERE status = 'HELD';

CREATE TABLE feed_pauses (
    pause_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    feed        text        NOT NULL,
    paused_by   text        NOT NULL,
    reason      text        NOT NULL CHECK (length(btrim(reason)) > 0),
    paused_at   timestamptz NOT NULL DEFAULT now(),
    resumed_by  text,
    resumed_at  timestamptz,
    CONSTRAINT feed_pauses_resumed_together CHECK ((resumed_by IS NULL) = (resumed_at IS NULL))
);
-- at most one open pause per feed
CREATE UNIQUE INDEX feed_pauses_open_key ON feed_pauses (feed) WHERE resumed_at IS NULL;
COMMENT ON TABLE feed_pauses IS
    'Grain: one row is one pause of one feed, from `inlet feed pause` to `inlet feed resume` (open while resumed_at is null).';

GRANT SELECT ON feed_pauses TO inlet_ingest, inlet_reader;
