-- Invariant: each stream reaches each destination in outbox order: no row of a (destination, stream) was
-- published while an earlier row of it was unfinished (neither published nor released by an operator).
-- Returns: rows with a later row of their stream published before they were published or released.
SELECT outbox_id, destination, stream_id, event_type, attempts,
       coalesce(published_at::text, released_at::text, 'unpublished') AS finished, later_published_at
FROM (
    SELECT o.*, min(o.published_at) OVER (PARTITION BY o.destination, o.stream_id ORDER BY o.outbox_id DESC
                                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS later_published_at
    FROM inlet.outbox o
    WHERE o.stream_id IS NOT NULL
) w
WHERE later_published_at < coalesce(published_at, released_at, 'infinity')
ORDER BY destination, stream_id, outbox_id
LIMIT 100
