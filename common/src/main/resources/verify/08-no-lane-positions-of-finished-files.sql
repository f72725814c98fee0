-- Invariant: lane positions exist only while a slice of a file is under way; a finished slice
-- (completed, rejected, suspended for the next invocation) deletes its file's lane rows (a suspended
-- one keeps those of lanes beyond its end, which the next slice skips to), and a lane is never
-- numbered beyond the file's lane count.
-- Returns: lane rows of files that are not in progress, or of lanes the file does not have.
SELECT l.file_id, f.feed, f.bucket, f.object_key, f.status, f.lanes, l.lane, l.next_record
FROM inlet.ingest_lanes l
JOIN inlet.ingested_files f ON f.file_id = l.file_id
WHERE f.status <> 'IN_PROGRESS' OR l.lane >= f.lanes
