-- A file's failed attempts: an attempt that fails with an error not known to be transient or
-- permanent (a missing grant, a trigger raising, a defect outside the mapper) releases the file for
-- another attempt and is counted here with its reason. Progress (a committed checkpoint, a slice's
-- end) sets the count back to 0; the reason stays as the record of the last failure. After the
-- configured number of consecutive failed attempts without progress, the next one records the file
-- REJECTED instead of releasing it again: never an endless retry.
ALTER TABLE ingested_files
    ADD COLUMN failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    ADD COLUMN last_failure    text;
COMMENT ON COLUMN ingested_files.failed_attempts IS
    'Attempts in a row that failed, without progress, with an error neither transient nor known to be permanent; 0 after progress.';
COMMENT ON COLUMN ingested_files.last_failure IS
    'The reason of the last such failed attempt (kept after progress, for the record); bounded in length.';
