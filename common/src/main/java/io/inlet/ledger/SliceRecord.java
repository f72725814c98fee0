package io.inlet.ledger;

import io.inlet.parse.ResumePoint;
import java.time.Instant;

/** One invocation's slice of a file, as {@code ingest_slices} records it. */
public record SliceRecord(int number, ResumePoint from, ResumePoint to, Instant startedAt) {

    SliceRecord withNumber(int n) {
        return new SliceRecord(n, from, to, startedAt);
    }
}
