package io.inlet.read;

import java.util.Comparator;

/**
 * Where a reader stands in the log: the (transaction id, position) of the last event it has read.
 * Events are read in (tx, position) order, which is commit-safe (see {@link EventReader}); a position
 * alone is not. Written {@code tx:position}, e.g. {@code 48213:9917}; {@link #BEGINNING} is {@code 0:0}.
 *
 * @param tx       the PostgreSQL transaction id (xid8) that wrote the event; 0 for rows written before V30
 * @param position the event's global position
 */
public record Checkpoint(long tx, long position) implements Comparable<Checkpoint> {

    /** Before every event. */
    public static final Checkpoint BEGINNING = new Checkpoint(0, 0);

    private static final Comparator<Checkpoint> ORDER =
            Comparator.comparingLong(Checkpoint::tx).thenComparingLong(Checkpoint::position);

    public Checkpoint {
        if (tx < 0 || position < 0) {
            throw new IllegalArgumentException("checkpoint " + tx + ":" + position + " has a negative part");
        }
    }

    /**
     * Parses {@code tx:position} or the word {@code beginning}.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static Checkpoint parse(String text) {
        if (text == null) throw new IllegalArgumentException("checkpoint is missing: expected TX:POSITION, e.g. 48213:9917");
        String t = text.strip();
        if (t.equalsIgnoreCase("beginning")) return BEGINNING;
        int colon = t.indexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("checkpoint '" + text + "' is not TX:POSITION (e.g. 48213:9917, or 'beginning')");
        }
        try {
            return new Checkpoint(Long.parseLong(t.substring(0, colon)), Long.parseLong(t.substring(colon + 1)));
        } catch (IllegalArgumentException e) { // not numbers, or negative ones
            throw new IllegalArgumentException("checkpoint '" + text + "' is not TX:POSITION (two whole numbers, e.g. 48213:9917)", e);
        }
    }

    public boolean isBefore(Checkpoint other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(Checkpoint other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return tx + ":" + position;
    }
}
