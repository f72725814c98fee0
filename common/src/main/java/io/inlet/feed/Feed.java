package io.inlet.feed;

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
 */
public record Feed(String name, ObjectMatch match, FormatSpec format, MappingSpec mapping, String table,
                   ErrorPolicy errors, DuplicateContentPolicy duplicateContent, List<DerivedRoute> derived,
                   int batchSize) {

    public static final int DEFAULT_BATCH_SIZE = 5_000;

    public Feed {
        derived = derived == null ? List.of() : List.copyOf(derived);
        if (batchSize <= 0) batchSize = DEFAULT_BATCH_SIZE;
        if (duplicateContent == null) duplicateContent = DuplicateContentPolicy.INGEST;
        if (errors == null) errors = ErrorPolicy.CONTINUE;
    }
}
