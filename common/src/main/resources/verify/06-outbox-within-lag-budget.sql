-- Invariant: derived events leave the outbox within the lag budget (:lag_budget seconds).
-- Returns: unpublished outbox rows older than the budget, oldest first.
SELECT outbox_id, destination, event_type, created_at, attempts, last_error
FROM inlet.outbox
WHERE published_at IS NULL AND created_at < now() - make_interval(secs => :lag_budget)
ORDER BY created_at
LIMIT 100
