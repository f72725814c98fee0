-- Invariant: every record of a completed file is an event (appended now or before), a conflict, or a rejected record.
-- Returns: completed files whose counts do not add up.
SELECT file_id, bucket, object_key, records_read, appended, duplicate, conflict, rejected
FROM inlet.ingested_files
WHERE status = 'COMPLETED' AND records_read <> appended + duplicate + conflict + rejected
