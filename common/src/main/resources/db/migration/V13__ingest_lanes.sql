-- Lanes: a file may be appended over several connections at once, its streams split between them
-- by hash (a feed's `lanes`). Each lane commits on its own, so while an attempt runs, the lanes
-- can be at different records; each lane's position is kept here, in the lane's transaction, and
-- a resumed attempt reads from the lowest and lets each lane skip what it already committed.
-- At the end of a slice every lane has reached the same record: the slice's end goes back into
-- ingested_files.next_* and the file's rows here are deleted. A file keeps the lane count it was
-- first claimed with, so that a resumed attempt splits its streams the same way.
ALTER TABLE ingested_files
    ADD COLUMN lanes integer NOT NULL DEFAULT 1 CONSTRAINT ingested_files_lanes_range CHECK (lanes BETWEEN 1 AND 8);

CREATE TABLE ingest_lanes (
    file_id      bigint      NOT NULL REFERENCES ingested_files (file_id),
    lane         integer     NOT NULL CHECK (lane BETWEEN 0 AND 7),
    next_record  bigint      NOT NULL,
    next_line    bigint      NOT NULL,
    next_offset  bigint      NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (file_id, lane)
);
COMMENT ON TABLE ingest_lanes IS
    'Grain: one row is one lane of one file attempt in progress: the record its lane has committed up to.';

GRANT SELECT, INSERT, UPDATE, DELETE ON ingest_lanes TO inlet_ingest;
GRANT SELECT ON ingest_lanes TO inlet_reader;
