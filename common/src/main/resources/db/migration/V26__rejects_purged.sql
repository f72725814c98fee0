-- Retention (`inlet purge`) may delete resolved rejects of a file; the file keeps how many were
-- deleted, so check 02 (every counted reject has its row) still balances: rows + purged = counted.
ALTER TABLE ingested_files ADD COLUMN rejects_purged bigint NOT NULL DEFAULT 0 CHECK (rejects_purged >= 0);
COMMENT ON COLUMN ingested_files.rejects_purged IS
    'Resolved rejected_records rows of this file deleted by retention (inlet purge); check 02 counts them as recorded.';
