-- Invariant: no file sits in progress with a lease that expired long ago (a stuck file nobody resumed).
-- Returns: in-progress files whose lease expired more than the stuck budget ago (:stuck_after seconds),
-- with their failed attempts in a row and the last failure's reason, if any.
SELECT file_id, feed, bucket, object_key, lease_owner, lease_expires_at, next_record, attempts,
       failed_attempts, last_failure
FROM inlet.ingested_files
WHERE status = 'IN_PROGRESS' AND lease_expires_at < now() - make_interval(secs => :stuck_after)
