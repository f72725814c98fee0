package io.inlet.totals;

/**
 * The record numbers of a file's header and trailer control records (each null when none): they
 * are checked, never ingested.
 */
public record ControlRecords(Long header, Long trailer) {

    public static final ControlRecords NONE = new ControlRecords(null, null);

    /** Whether record {@code recordNumber} is a control record, to be skipped by every load. */
    public boolean skips(long recordNumber) {
        return (header != null && header == recordNumber) || (trailer != null && trailer == recordNumber);
    }
}
