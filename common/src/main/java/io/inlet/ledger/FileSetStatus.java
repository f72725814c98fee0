package io.inlet.ledger;

/** The state of a file set ({@code file_sets.status}). */
public enum FileSetStatus {
    /** Members held, its gate not yet seen (no marker, or fewer members than its count). */
    WAITING,
    /** Its marker or manifest arrived; it loads as soon as every member it names is held. */
    MARKED,
    /** Loaded in one transaction: every member's events became visible together. */
    LOADED,
    /** Refused as a whole (bounds, a manifest mismatch, a member refused); its reason names the member. */
    REJECTED
}
