package io.inlet.arrival;

/** What the arrival check can say about one expected slot of a feed; each is emitted at most once per slot. */
public enum AlertKind {
    /** No file arrived in the slot's window by its deadline. */
    FileMissing,
    /** The slot's first file arrived after its deadline. */
    FileLate,
    /** The slot's files, all finished, hold fewer records than {@code min_records}. */
    FileShort
}
