-- The record of a file's first error: a file's lanes commit side by side, in no fixed order, so the
-- first error a lane reports is kept only when its record comes before the one already kept; the
-- file's first error is then the earliest record's, as with one lane. NULL: not known (rows from
-- before this column, or an error not tied to a record), and the error already kept stays.
ALTER TABLE ingested_files ADD COLUMN first_error_record bigint;
