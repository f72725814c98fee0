package io.inlet.ledger;

/**
 * Record counts of one file or message. Invariant of a finished file:
 * {@code read == appended + duplicate + conflict + rejected}.
 */
public record Counts(long read, long appended, long duplicate, long conflict, long rejected) {

    public static final Counts ZERO = new Counts(0, 0, 0, 0, 0);


    public boolean balanced() {
        return read == appended + duplicate + conflict + rejected;
    }
}
