-- Rejects repaired by `inlet rejects replay FILE --from corrected.csv`: the corrected records are
-- loaded as if they had been good in the original file (same event ids, same record numbers), and
-- each replay is audited here: who, why, from which corrected file (its SHA-256), and what became
-- of its rows. A rejected record that a replay turned into an event (or found already stored with
-- the same payload) is marked resolved; it stays in rejected_records, so the file's ledger counts
-- (what its load saw) and invariant 02 still hold.
CREATE TABLE reject_replays (
    replay_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_id         bigint      NOT NULL REFERENCES ingested_files (file_id),
    feed            text        NOT NULL,
    corrected_name  text        NOT NULL,
    corrected_sha256 text       NOT NULL,
    actor           text        NOT NULL,
    database_user   text        NOT NULL DEFAULT session_user,
    reason          text        NOT NULL CHECK (length(reason) > 0),
    rows_read       bigint      NOT NULL,
    appended        bigint      NOT NULL,
    already_stored  bigint      NOT NULL,
    conflict        bigint      NOT NULL,
    still_invalid   bigint      NOT NULL,
    resolved        bigint      NOT NULL,
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reject_replays_file_idx ON reject_replays (file_id);
COMMENT ON TABLE reject_replays IS
    'Grain: one row is one run of `inlet rejects replay` on one file, with who, why, the corrected file and the outcome counts; append-only.';

ALTER TABLE rejected_records
    ADD COLUMN resolved_at        timestamptz,
    ADD COLUMN resolved_by_replay bigint REFERENCES reject_replays (replay_id),
    ADD CONSTRAINT rejected_records_resolved_by_replay CHECK ((resolved_at IS NULL) = (resolved_by_replay IS NULL));
COMMENT ON COLUMN rejected_records.resolved_at IS
    'When a rejects replay stored the corrected record as an event (null: unresolved).';

GRANT SELECT ON reject_replays TO inlet_reader;
