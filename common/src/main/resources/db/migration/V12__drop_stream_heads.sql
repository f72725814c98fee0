-- Stream versions are now assigned from the event table itself: the next version of a stream is
-- max(stream_version) + 1, read through the unique (stream_id, stream_version) index, and that index
-- rejects a concurrent writer's colliding version (the batch is retried whole). The head rows, and
-- locking them for every stream of every batch, were the largest cost of a file batch
-- (docs/benchmarks.md), so the table goes.
DROP TABLE stream_heads;
