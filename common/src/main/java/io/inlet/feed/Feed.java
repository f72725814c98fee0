package io.inlet.feed;

import io.inlet.event.MappingSpec;
import io.inlet.event.DerivedRoute;

import io.inlet.parse.FormatSpec;
import java.util.List;

/**
 * A file feed: which objects belong to it, how they are read, how each record becomes an event,
 * where the events go and what to do with bad records. Built from the feeds file and validated.
 *
 * @param name             unique feed name; appears in the ledger and in every error
 * @param match            bucket and key pattern of the feed's objects
 * @param format           how the files are laid out
 * @param mapping          record -> event
 * @param table            target event table (a plain SQL identifier, created by {@code inlet migrate})
 * @param errors           what bad records do to the file
 * @param duplicateContent what to do with the same bytes arriving under another key
 * @param derived          which derived events go to which destinations
 * @param batchSize        records per append transaction
 * @param batchBytes       record text per append transaction: a batch also ends when its records'
 *                         text reaches this, so memory stays bounded however wide the rows are
 * @param lanes            connections a file's events are appended over at once, its streams split
 *                         between them by hash (1 to {@value #MAX_LANES}); each lane commits
 *                         {@code batchSize} records per transaction
 * @param lanesFromBytes   files smaller than this (when their size is known) use one lane: a file
 *                         of one or two batches gains nothing from a second connection
 * @param totals           control totals checked before any record loads ({@link ControlTotals#NONE}: none)
 * @param receipts         where per-file receipts go (null: none)
 * @param fileSet          when set, the feed's objects under one prefix load as one gated set (null: each alone)
 * @param expect           when its files are expected, for the arrival check (null: no expectation)
 */
public record Feed(String name, ObjectMatch match, FormatSpec format, MappingSpec mapping, String table,
                   ErrorPolicy errors, DuplicateContentPolicy duplicateContent, List<DerivedRoute> derived,
                   int batchSize, int batchBytes, int lanes, long lanesFromBytes, ControlTotals totals,
                   ReceiptSpec receipts, FileSetSpec fileSet, ArrivalExpectation expect) {

    public static final int DEFAULT_BATCH_SIZE = 5_000;
    public static final int DEFAULT_BATCH_BYTES = 4 << 20;
    public static final int DEFAULT_LANES = 1;
    public static final int MAX_LANES = 8;
    public static final long DEFAULT_LANES_FROM_BYTES = 8L << 20;

    public Feed {
        derived = derived == null ? List.of() : List.copyOf(derived);
        if (batchSize <= 0) batchSize = DEFAULT_BATCH_SIZE;
        if (batchBytes <= 0) batchBytes = DEFAULT_BATCH_BYTES;
        if (lanes <= 0) lanes = DEFAULT_LANES;
        if (lanes > MAX_LANES) throw new IllegalArgumentException("lanes must be 1.." + MAX_LANES + ": " + lanes);
        if (lanesFromBytes < 0) lanesFromBytes = DEFAULT_LANES_FROM_BYTES;
        if (duplicateContent == null) duplicateContent = DuplicateContentPolicy.INGEST;
        if (errors == null) errors = ErrorPolicy.CONTINUE;
        if (totals == null) totals = ControlTotals.NONE;
    }

    /** A feed without control totals, receipts, a file set or an arrival expectation. */
    public Feed(String name, ObjectMatch match, FormatSpec format, MappingSpec mapping, String table,
                ErrorPolicy errors, DuplicateContentPolicy duplicateContent, List<DerivedRoute> derived,
                int batchSize, int batchBytes, int lanes, long lanesFromBytes) {
        this(name, match, format, mapping, table, errors, duplicateContent, derived, batchSize, batchBytes, lanes,
                lanesFromBytes, ControlTotals.NONE, null, null, null);
    }

    /** Whether {@code key} (in the feed's bucket) is one Inlet writes or reads as control data, never a data file. */
    public boolean ownsControlKey(String key) {
        return (receipts != null && receipts.covers(key)) || dataKeyOfSidecar(key) != null;
    }

    /** The data file's key when {@code key} is the sidecar of a file of this feed, else null. */
    public String dataKeyOfSidecar(String key) {
        if (totals.sidecar() == null || !key.endsWith(totals.sidecar().suffix())) return null;
        String data = key.substring(0, key.length() - totals.sidecar().suffix().length());
        return !data.isEmpty() && match.matches(match.bucket(), data) ? data : null;
    }

    /** The lanes a file of {@code sizeBytes} (null when unknown) is appended over. */
    public int lanesFor(Long sizeBytes) {
        return sizeBytes != null && sizeBytes < lanesFromBytes ? 1 : lanes;
    }
}
