-- Invariant: every record counted rejected or conflicting has its row in rejected_records (nothing dropped silently),
-- or was resolved and later deleted by retention (ingested_files.rejects_purged counts those).
-- Returns: finished files whose rejected + conflict count differs from their rejected_records rows plus purged ones.
SELECT f.file_id, f.bucket, f.object_key, f.rejected + f.conflict AS counted, count(r.reject_id) + f.rejects_purged AS recorded
FROM inlet.ingested_files f
LEFT JOIN inlet.rejected_records r ON r.file_id = f.file_id
WHERE f.status IN ('COMPLETED', 'REJECTED')
GROUP BY f.file_id
HAVING f.rejected + f.conflict <> count(r.reject_id) + f.rejects_purged
