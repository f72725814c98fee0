package io.inlet.store;

import io.inlet.failure.RetryableException;
import java.util.ArrayList;
import java.util.List;

/**
 * Thrown by the appends of {@link EventStore} when this instance's feeds and the database's
 * {@code projections} catalog disagree on the inline projections of the event table
 * ({@link KnownProjections}): the catalog has one in force that the feeds do not declare (built by
 * {@code inlet migrate} after this instance read its feeds, or removed from the feeds and not yet
 * retired), or the feeds declare one inline that the catalog no longer has in force (retired, or
 * rebuilt async, after this instance read its feeds), or both have one whose definition differs
 * (rebuilt from other feeds than this instance read: {@link io.inlet.projection.Projection#definition()}
 * against the catalog's {@code definition}). Nothing was written (the append's transaction
 * rolls back; on the message path the ledger claim is not written either). Retryable, never counted
 * as a record failure: the delivery comes back, and an instance whose feeds agree with the catalog
 * appends it.
 */
public final class StaleFeedsException extends RetryableException {

    private final String table;
    private final transient List<String> undeclared;
    private final transient List<String> notInForce;
    private final transient List<String> redefined;

    /**
     * @param undeclared the catalog's inline projections of {@code table} in force that the feeds do not declare
     * @param notInForce the feeds' inline projections of {@code table} that the catalog does not have in force
     * @param redefined  the inline projections of {@code table} that both have, with another definition in the catalog
     */
    public StaleFeedsException(String table, List<String> undeclared, List<String> notInForce, List<String> redefined) {
        super(message(table, undeclared, notInForce, redefined));
        this.table = table;
        this.undeclared = List.copyOf(undeclared);
        this.notInForce = List.copyOf(notInForce);
        this.redefined = List.copyOf(redefined);
    }

    private static String message(String table, List<String> undeclared, List<String> notInForce, List<String> redefined) {
        List<String> parts = new ArrayList<>();
        if (!undeclared.isEmpty()) {
            String names = quoted(undeclared);
            parts.add("the database's projections catalog has inline projection" + plural(undeclared) + " " + names + " of event table "
                    + table + " and this instance's feeds do not declare " + (undeclared.size() == 1 ? "it" : "them") + ": if " + names
                    + " was added to the feeds, recycle or redeploy the functions so that they load the new feeds; if " + names
                    + " was removed from the feeds (or made async), run inlet migrate with the new feeds to retire it (its table is "
                    + "kept) or rebuild it async (or run inlet projection retire NAME)");
        }
        if (!notInForce.isEmpty()) {
            parts.add("this instance's feeds declare inline projection" + plural(notInForce) + " " + quoted(notInForce) + " of event table "
                    + table + " and the database's projections catalog no longer has " + (notInForce.size() == 1 ? "it" : "them")
                    + " in force (retired, or rebuilt async, by inlet migrate after this instance read its feeds): recycle or "
                    + "redeploy the functions so that they load the current feeds");
        }
        for (String p : redefined) {
            parts.add("the database's definition of inline projection '" + p + "' of event table " + table + " differs from this "
                    + "instance's feeds (rebuilt by inlet projection rebuild or inlet migrate from other feeds than this instance "
                    + "read): recycle or redeploy the functions with the feeds inlet migrate / inlet projection rebuild used, or "
                    + "rebuild '" + p + "' with this instance's feeds");
        }
        return String.join("; and ", parts) + ". Nothing was written and the delivery is retried";
    }

    private static String plural(List<String> names) {
        return names.size() == 1 ? "" : "s";
    }

    private static String quoted(List<String> names) {
        return String.join(", ", names.stream().map(p -> "'" + p + "'").toList());
    }

    /** The event table appended to. */
    public String table() {
        return table;
    }

    /** The catalog's inline projections of {@link #table} in force that the instance's feeds do not declare. */
    public List<String> undeclared() {
        return undeclared;
    }

    /** The instance's inline projections of {@link #table} that the catalog does not have in force (retired, or async). */
    public List<String> notInForce() {
        return notInForce;
    }

    /** The inline projections of {@link #table} whose definition in the catalog differs from the instance's feeds. */
    public List<String> redefined() {
        return redefined;
    }
}
