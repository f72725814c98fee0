-- Catch-up subscriptions (docs/read-side.md): a named destination fed from the event tables through
-- the gap-safe reader (io.inlet.read.EventReader), from the beginning, a position or a time, in
-- bounded slices run by the relay function. There is no switch from backfill to live: a
-- subscription keeps reading the log forever, and "live" is the reader's tail.
CREATE TABLE subscriptions (
    name                text        PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    destination         text        NOT NULL CHECK (destination <> ''),
    event_types         text[]      NOT NULL DEFAULT '{}',
    start_from          text        NOT NULL,
    from_position       bigint,
    from_time           timestamptz,
    start_tx            xid8        NOT NULL,
    start_position      bigint      NOT NULL,
    checkpoint_tx       xid8        NOT NULL,
    checkpoint_position bigint      NOT NULL,
    delivered           bigint      NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    last_run_at         timestamptz,
    caught_up_at        timestamptz,
    last_error          text
);
COMMENT ON TABLE subscriptions IS
    'Grain: one row is one catch-up subscription; (checkpoint_tx, checkpoint_position) is the last event it delivered or passed over, moved in the same transaction that follows a successful publish. Deleting the row stops it.';

-- Events a slice delivered ahead of their turn in (tx, position) order so that a stream arrives in
-- version order (a transaction that took its id before the previous version was appended writes a
-- later version with a lower tx). The reader passes over them when it reaches them; rows at or
-- below the checkpoint are deleted as it moves. Normally empty.
CREATE TABLE subscription_early_deliveries (
    subscription text   NOT NULL REFERENCES subscriptions (name) ON DELETE CASCADE,
    event_table  text   NOT NULL,
    event_id     uuid   NOT NULL,
    tx           xid8   NOT NULL,
    position     bigint NOT NULL,
    PRIMARY KEY (subscription, event_table, event_id)
);
COMMENT ON TABLE subscription_early_deliveries IS
    'Grain: one row is one event a subscription delivered before the reader reached it; deleted once the checkpoint passes it.';

GRANT SELECT, UPDATE ON subscriptions TO inlet_relay;
GRANT SELECT, INSERT, DELETE ON subscription_early_deliveries TO inlet_relay;
GRANT SELECT ON subscriptions, subscription_early_deliveries TO inlet_reader;
