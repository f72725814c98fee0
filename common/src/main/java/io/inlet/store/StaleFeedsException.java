package io.inlet.store;

import io.inlet.failure.RetryableException;
import java.util.List;

/**
 * Thrown by the appends of {@link EventStore} when the database's {@code projections} catalog has an
 * inline projection of the event table that this instance's feeds do not declare: the projection was
 * built ({@code inlet migrate}, {@code inlet projection rebuild}) after this instance read its feeds,
 * so its appends would not keep it. Nothing was written (the append's transaction rolls back; on the
 * message path the ledger claim is not written either). Retryable, never counted as a record failure:
 * the delivery comes back, and an instance that loaded the current feeds appends and projects it.
 */
public final class StaleFeedsException extends RetryableException {

    private final String table;
    private final transient List<String> projections;

    public StaleFeedsException(String table, List<String> projections) {
        super("the database's projections catalog has inline projection" + (projections.size() == 1 ? " " : "s ")
                + String.join(", ", projections.stream().map(p -> "'" + p + "'").toList()) + " of event table " + table
                + " and this instance's feeds do not declare " + (projections.size() == 1 ? "it" : "them")
                + " (built after the instance read its feeds): nothing was written and the delivery is retried; recycle or "
                + "redeploy the functions so that they load the current feeds (a projection removed from the feeds or made "
                + "async must first leave the catalog: delete its row, or run inlet projection rebuild)");
        this.table = table;
        this.projections = List.copyOf(projections);
    }

    /** The event table appended to. */
    public String table() {
        return table;
    }

    /** The catalog's inline projections of {@link #table} that the instance's feeds do not declare. */
    public List<String> projections() {
        return projections;
    }
}
