-- The order of a key's notifications (issue 12, defects 3 and 4). S3 sequencers compare right-padded
-- with zeros (not left-padded); GCS generations compare as numbers. order_key is the token in a form
-- whose byte order is that order (io.inlet.source.ObjectSequencer#orderKey): 's' + upper-case hex
-- without trailing zeros, or 'g' + the generation left-padded to 19 digits. COLLATE "C": byte order,
-- whatever the database's collation. sequencer keeps the token as the notification gave it.
ALTER TABLE ingested_files ADD COLUMN order_key text COLLATE "C";
-- rows written before: only the S3 path passed a token
UPDATE ingested_files SET order_key = 's' || rtrim(upper(sequencer), '0')
 WHERE sequencer ~ '^[0-9A-Fa-f]{1,128}$';
CREATE INDEX ingested_files_order_idx ON ingested_files (bucket, object_key, order_key) WHERE order_key IS NOT NULL;
COMMENT ON COLUMN ingested_files.order_key IS
    'The notification''s ordering token (S3 sequencer, GCS generation) as text in byte order; null when none was given.';
