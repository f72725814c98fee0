-- `inlet outbox replay --destination D --from POSITION|TIME [--stream S]`: a destination that lost
-- messages gets them again through the relay. The published rows of D from the given event position
-- (or outbox row creation time) on are set pending again, every later published row of the same
-- streams with them, so the relay sends them in per-stream order (outbox_id order) with their
-- original CloudEvent ids (the event ids); consumers dedupe on them. Each replay is audited here.
CREATE TABLE outbox_replays (
    replay_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    destination   text        NOT NULL,
    from_position bigint,
    from_time     timestamptz,
    stream_id     text,
    actor         text        NOT NULL,
    database_user text        NOT NULL DEFAULT session_user,
    reason        text        NOT NULL CHECK (length(reason) > 0),
    rows_replayed bigint      NOT NULL,
    first_outbox_id bigint,
    last_outbox_id  bigint,
    at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT outbox_replays_one_start CHECK ((from_position IS NULL) <> (from_time IS NULL))
);
COMMENT ON TABLE outbox_replays IS
    'Grain: one row is one run of `inlet outbox replay`: which published rows of a destination were set pending again, by whom and why; append-only.';

ALTER TABLE outbox ADD COLUMN replayed_by bigint REFERENCES outbox_replays (replay_id);
COMMENT ON COLUMN outbox.replayed_by IS 'The last replay that set this row pending again (null: never replayed).';

GRANT SELECT ON outbox_replays TO inlet_reader;
