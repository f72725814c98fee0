-- Invariant (per event table): each stream's versions are exactly 1..n and its head says n.
-- Returns: streams with a gap, a duplicate version, or a head out of step. {table} is each event table.
SELECT '{table}' AS event_table, s.stream_id, s.events, s.max_version, h.version AS head
FROM (SELECT stream_id, count(*) AS events, max(stream_version) AS max_version, count(DISTINCT stream_version) AS versions
      FROM inlet.{table} GROUP BY stream_id) s
LEFT JOIN inlet.stream_heads h ON h.event_table = '{table}' AND h.stream_id = s.stream_id
WHERE s.events <> s.max_version OR s.versions <> s.events OR h.version IS DISTINCT FROM s.max_version
