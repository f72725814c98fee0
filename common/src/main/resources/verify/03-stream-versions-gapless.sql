-- Invariant (per event table): each stream's versions are exactly 1..n, each once.
-- Returns: streams with a gap or a duplicate version. {table} is each event table.
SELECT '{table}' AS event_table, s.stream_id, s.events, s.max_version, s.versions
FROM (SELECT stream_id, count(*) AS events, max(stream_version) AS max_version, count(DISTINCT stream_version) AS versions
      FROM inlet.{table} GROUP BY stream_id) s
WHERE s.events <> s.max_version OR s.versions <> s.events OR s.max_version < 1
