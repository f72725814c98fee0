-- Invariant: every record counted rejected or conflicting has its row in rejected_records (nothing dropped silently).
-- Returns: finished files whose rejected + conflict count differs from their rejected_records rows.
SELECT f.file_id, f.bucket, f.object_key, f.rejected + f.conflict AS counted, count(r.reject_id) AS recorded
FROM inlet.ingested_files f
LEFT JOIN inlet.rejected_records r ON r.file_id = f.file_id
WHERE f.status IN ('COMPLETED', 'REJECTED')
GROUP BY f.file_id
HAVING f.rejected + f.conflict <> count(r.reject_id)
