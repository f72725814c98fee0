-- Invariant: derived events leave the outbox within the lag budget (:lag_budget seconds).
-- Returns: unfinished outbox rows (unpublished, not released by an operator; blocked ones included) older than the budget, oldest first.
SELECT outbox_id, destination, event_type, created_at, attempts, blocked_at, last_error
FROM inlet.outbox
WHERE published_at IS NULL AND released_at IS NULL AND created_at < now() - make_interval(secs => :lag_budget)
ORDER BY created_at
LIMIT 100
