-- Expected arrivals (issue 17.3): the scheduled arrival check compares each slot of a feed's
-- `expect.schedule` with the ledger and emits FileMissing, FileLate or FileShort through the outbox.
-- A row here is the proof that an alert of a slot was emitted: the check inserts it (ON CONFLICT DO
-- NOTHING) in the same transaction as the outbox row, so running the check twice emits nothing new.
CREATE TABLE arrival_alerts (
    feed       text        NOT NULL,
    slot_at    timestamptz NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('FileMissing', 'FileLate', 'FileShort')),
    detail     text        NOT NULL,
    emitted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (feed, slot_at, kind)
);
COMMENT ON TABLE arrival_alerts IS
    'Grain: one row is one alert (missing, late or short) of one expected slot of one feed, emitted once.';

-- Where each feed's watch starts: slots before the first check of a feed are never judged (a new
-- expectation does not page for the years before it was written).
CREATE TABLE arrival_watches (
    feed        text        PRIMARY KEY,
    watching_since timestamptz NOT NULL,
    last_checked_at timestamptz NOT NULL
);
COMMENT ON TABLE arrival_watches IS
    'Grain: one row is one feed with an arrival expectation: since when its slots are judged and when the check last ran.';

GRANT SELECT, INSERT, UPDATE ON arrival_alerts, arrival_watches TO inlet_ingest;
GRANT SELECT ON arrival_alerts, arrival_watches TO inlet_reader;
