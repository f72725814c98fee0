-- Invariant (per feed route): every event a file of the feed appended has its outbox row for the route's destination.
-- Returns: events of {table} caused by the feed's files, recorded within the outbox retention, that lack the row.
-- :feed, :destination and :only_type are bound per route (rows older than the retention may have been purged).
SELECT e.event_id, e.event_type, e.causation_id
FROM inlet.{table} e
JOIN inlet.ingested_files f ON e.causation_id = 'file-' || f.file_id AND f.feed = :feed
WHERE (:only_type::text IS NULL OR e.event_type = :only_type)
  AND e.recorded_at > now() - make_interval(secs => :retention)
  AND NOT EXISTS (SELECT 1 FROM inlet.outbox o WHERE o.event_id = e.event_id AND o.destination = :destination)
LIMIT 100
