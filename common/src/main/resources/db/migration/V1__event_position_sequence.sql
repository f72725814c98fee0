-- One global position across every event table, so readers can follow all events incrementally.
-- Positions are assigned at insert time, not commit time: a reader that must not miss a row
-- reads up to the position of the oldest in-flight transaction (see docs/DESIGN.md).
CREATE SEQUENCE event_position_seq AS bigint;
