package io.inlet.receipt;

import io.inlet.ledger.Counts;
import io.inlet.ledger.FileStatus;
import io.inlet.source.ObjectRef;

/** A file whose ledger row is finished, as its receipt tells it: outcome, counts, the file's error. */
public record FinishedFile(long fileId, String feed, ObjectRef ref, FileStatus status, Counts counts, String error) {
}
