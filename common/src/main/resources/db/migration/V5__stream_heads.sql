-- The last version of each stream. Appenders lock these rows (in stream id order) so that two
-- concurrent appends to one stream get distinct, gapless versions without deadlocking.
CREATE TABLE stream_heads (
    event_table text   NOT NULL REFERENCES event_tables (table_name),
    stream_id   text   NOT NULL,
    version     bigint NOT NULL CHECK (version >= 0),
    PRIMARY KEY (event_table, stream_id)
);
COMMENT ON TABLE stream_heads IS 'Grain: one row is one stream of one event table, holding its last stream_version.';
