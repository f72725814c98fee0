package io.inlet.feed;

import java.time.Duration;

/**
 * A feed's file sets: the objects under one prefix (the key up to its last {@code /}) form a set
 * that loads as one unit once its gate opens. The gate is one of: a marker object ({@code _SUCCESS}:
 * the members held when it arrives), a manifest object listing the members (with sizes and/or
 * checksums), or a member count (no marker object).
 *
 * @param gate       which kind of gate
 * @param marker     the marker's or manifest's object name within the prefix (null for COUNT)
 * @param count      the number of members that completes a set (COUNT only, else 0)
 * @param timeout    how long after a set's first object it may stay incomplete before
 *                   {@code FileSetIncomplete} is raised (once per set)
 * @param maxMembers the most members a set may have: a set loads in one transaction, so it is bounded
 * @param maxBytes   the most bytes its members may have together
 */
public record FileSetSpec(Gate gate, String marker, int count, Duration timeout, int maxMembers, long maxBytes) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(6);
    public static final int DEFAULT_MAX_MEMBERS = 1_000;
    public static final long DEFAULT_MAX_BYTES = 256L << 20;

    /** How a set is known to be complete. */
    public enum Gate {
        /** An empty marker object (e.g. {@code _SUCCESS}): the members held when it arrives. */
        MARKER,
        /** A JSON manifest naming each member, with its size and/or checksum. */
        MANIFEST,
        /** A number of members, no marker object. */
        COUNT
    }

    public FileSetSpec {
        if (gate == null) throw new IllegalArgumentException("a file set needs a gate");
        if ((gate == Gate.COUNT) != (marker == null)) {
            throw new IllegalArgumentException("a marker name goes with a marker or manifest gate only");
        }
        if (gate == Gate.COUNT && count < 1) throw new IllegalArgumentException("a member count must be at least 1: " + count);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        if (maxMembers < 1 || maxBytes < 1) throw new IllegalArgumentException("set bounds must be positive");
    }

    /** The prefix a key's set is under: the key up to and including its last {@code /} ("" at the top). */
    public static String prefixOf(String key) {
        return key.substring(0, key.lastIndexOf('/') + 1);
    }

    /** Whether {@code key} is the set's marker or manifest (never a member). */
    public boolean isMarker(String key) {
        return marker != null && key.substring(key.lastIndexOf('/') + 1).equals(marker);
    }
}
