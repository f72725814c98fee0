-- The idempotency table of queue and topic messages.
CREATE TABLE processed_messages (
    channel      text        NOT NULL,
    message_id   text        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('PROCESSED', 'FAILED')),
    feed         text,
    attempts     integer     NOT NULL DEFAULT 1,
    appended     integer     NOT NULL DEFAULT 0,
    duplicate    integer     NOT NULL DEFAULT 0,
    conflict     integer     NOT NULL DEFAULT 0,
    reason       text,
    first_seen   timestamptz NOT NULL DEFAULT now(),
    last_seen    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, message_id)
);
COMMENT ON TABLE processed_messages IS
    'Grain: one row is one broker message (channel, message id): processed once, or failed with its reason and attempts.';
