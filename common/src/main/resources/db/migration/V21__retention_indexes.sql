-- Retention (`inlet purge`, issue 13.11) deletes old rows in bounded batches by age; these indexes
-- let each batch find its rows without scanning the table.
CREATE INDEX processed_messages_last_seen_idx ON processed_messages (last_seen);
-- outbox: outbox_published_idx (published_at) WHERE published_at IS NOT NULL exists since V8.
CREATE INDEX rejected_records_recorded_idx ON rejected_records (recorded_at);
