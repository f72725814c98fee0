-- Derived events waiting to be published, written in the same transaction as their events.
-- Rows of appended events reference the event (the relay renders it); summaries carry a payload.
CREATE TABLE outbox (
    outbox_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    destination       text        NOT NULL,
    event_table       text REFERENCES event_tables (table_name),
    event_id          uuid        NOT NULL,
    event_type        text        NOT NULL,
    stream_id         text,
    payload           jsonb,
    created_at        timestamptz NOT NULL DEFAULT now(),
    available_at      timestamptz NOT NULL DEFAULT now(),
    attempts          integer     NOT NULL DEFAULT 0,
    last_error        text,
    published_at      timestamptz,
    broker_message_id text,
    CONSTRAINT outbox_has_content CHECK (event_table IS NOT NULL OR payload IS NOT NULL),
    CONSTRAINT outbox_once_per_destination UNIQUE (destination, event_id, event_type)
);
CREATE INDEX outbox_due_idx ON outbox (available_at, outbox_id) WHERE published_at IS NULL;
CREATE INDEX outbox_published_idx ON outbox (published_at) WHERE published_at IS NOT NULL;
COMMENT ON TABLE outbox IS
    'Grain: one row is one derived event for one destination; published_at is set once the broker accepted it.';
