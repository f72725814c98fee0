-- Invariant (per event table): an outbox row always references an event that exists (same transaction).
-- Returns: outbox rows of {table} whose event is missing.
SELECT o.outbox_id, o.destination, o.event_id
FROM inlet.outbox o
WHERE o.event_table = '{table}' AND NOT EXISTS (SELECT 1 FROM inlet.{table} e WHERE e.event_id = o.event_id)
