-- Every record that did not become an event: malformed, invalid, or conflicting with an
-- existing event of the same id. Nothing is dropped without a row here.
CREATE TABLE rejected_records (
    reject_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_id       bigint REFERENCES ingested_files (file_id),
    channel       text,
    message_id    text,
    feed          text        NOT NULL,
    record_number bigint      NOT NULL,
    line_number   bigint,
    kind          text        NOT NULL CHECK (kind IN ('MALFORMED', 'INVALID', 'CONFLICT')),
    field         text,
    reason        text        NOT NULL,
    raw_text      text,
    event_id      uuid,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rejected_records_origin CHECK ((file_id IS NULL) <> (message_id IS NULL))
);
CREATE UNIQUE INDEX rejected_records_file_record_key ON rejected_records (file_id, record_number) WHERE file_id IS NOT NULL;
CREATE UNIQUE INDEX rejected_records_message_record_key ON rejected_records (channel, message_id, record_number) WHERE message_id IS NOT NULL;
COMMENT ON TABLE rejected_records IS
    'Grain: one row is one record of one file or message that did not become an event, with the reason.';
