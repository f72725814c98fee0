package io.inlet.ingest;

/**
 * Record counts of one file or message. Invariant of a finished file:
 * {@code read == appended + duplicate + conflict + rejected}.
 */
public record Counts(long read, long appended, long duplicate, long conflict, long rejected) {

    public static final Counts ZERO = new Counts(0, 0, 0, 0, 0);

    public Counts plus(Counts o) {
        return new Counts(read + o.read, appended + o.appended, duplicate + o.duplicate,
                conflict + o.conflict, rejected + o.rejected);
    }

    public boolean balanced() {
        return read == appended + duplicate + conflict + rejected;
    }
}
