package io.inlet.source;

import java.time.Instant;
import java.util.Objects;

/**
 * One object as a bucket listing shows it: its identity, exactly as a notification of it would
 * decode (so the ledger row of either is the same row), and when it was last written.
 */
public record ListedObject(ObjectRef ref, Instant lastModified) {

    public ListedObject {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(lastModified, "lastModified");
    }
}
