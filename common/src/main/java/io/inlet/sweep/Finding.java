package io.inlet.sweep;

/** What the sweep found wrong with one object of the bucket. */
public enum Finding {
    /** No ledger row of the key at all: its notification never arrived (or never reached Inlet). */
    NEVER_SEEN,
    /** This very version has a row, but it never finished. */
    NOT_FINISHED,
    /** An older version of the key finished; the one in the bucket now was never ingested. */
    OVERWRITTEN
}
