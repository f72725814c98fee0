-- An outbox row holds the later rows of its (destination, stream) until it is published or released,
-- and a row that keeps failing becomes BLOCKED after the relay's attempt limit instead of retrying forever.
--   pending  : published_at, blocked_at and released_at NULL; claimable when due and the head of its stream
--   blocked  : blocked_at set by the relay (attempt limit); still holds its stream; never claimed
--   released : released_at set by an operator (`inlet outbox unblock`); never published; the stream moves on
--   published: published_at set
ALTER TABLE outbox
    ADD COLUMN blocked_at  timestamptz,
    ADD COLUMN released_at timestamptz,
    ADD CONSTRAINT outbox_released_never_published CHECK (released_at IS NULL OR published_at IS NULL);

-- Due rows in claim order; blocked and released rows are never due.
DROP INDEX outbox_due_idx;
CREATE INDEX outbox_due_idx ON outbox (available_at, outbox_id)
    WHERE published_at IS NULL AND released_at IS NULL AND blocked_at IS NULL;

-- "Is there an earlier unfinished row of this stream for this destination?" (the stream hold), and
-- the rows that follow a claimed head.
CREATE INDEX outbox_stream_hold_idx ON outbox (destination, stream_id, outbox_id)
    WHERE published_at IS NULL AND released_at IS NULL;

-- Blocked rows, for the gauge, the alarm and `inlet outbox blocked` (a handful at most).
CREATE INDEX outbox_blocked_idx ON outbox (blocked_at)
    WHERE blocked_at IS NOT NULL AND published_at IS NULL AND released_at IS NULL;

-- Who retried or released an outbox row, when and why; kept when the row itself is purged.
CREATE TABLE outbox_interventions (
    intervention_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    outbox_id       bigint      NOT NULL,
    destination     text        NOT NULL,
    stream_id       text,
    event_id        uuid        NOT NULL,
    action          text        NOT NULL CHECK (action IN ('RETRY', 'RELEASE')),
    actor           text        NOT NULL,
    database_user   text        NOT NULL DEFAULT session_user,
    reason          text        NOT NULL CHECK (length(reason) > 0),
    attempts        integer     NOT NULL,
    last_error      text,
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_interventions_row_idx ON outbox_interventions (outbox_id);
COMMENT ON TABLE outbox_interventions IS
    'Grain: one row is one operator action (RETRY or RELEASE) on one outbox row, with who, when and why; append-only.';

GRANT SELECT, INSERT ON outbox_interventions TO inlet_relay;
GRANT SELECT ON outbox_interventions TO inlet_reader;
