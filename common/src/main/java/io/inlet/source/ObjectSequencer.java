package io.inlet.source;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Objects;

/**
 * A store's per-key ordering token of an object notification: which of two notifications of one key
 * happened later.
 *
 * <ul>
 *   <li>{@link Kind#S3_SEQUENCER}: S3's {@code sequencer}, hexadecimal of varying length. S3 documents
 *       the rule: right pad the shorter value with zeros, then compare lexicographically (here case
 *       insensitively). Equivalently: compare with trailing zeros removed, which is what
 *       {@link #orderKey()} holds.</li>
 *   <li>{@link Kind#GCS_GENERATION}: the GCS object generation, a non-negative decimal int64,
 *       compared as a number ({@link #orderKey()} left-pads it to 19 digits).</li>
 * </ul>
 *
 * <p>{@link #orderKey()} is the one form both Java and SQL compare: a text whose byte order (SQL
 * {@code COLLATE "C"}) is the token order. Tokens of different kinds never meet for one key (one
 * bucket lives in one cloud); their keys differ in the first character, so they still compare
 * consistently.
 *
 * @param kind  which store's rule applies
 * @param value the token as the notification gave it (kept for display)
 */
public record ObjectSequencer(Kind kind, String value) implements Comparable<ObjectSequencer> {

    /** Longest accepted token: S3 sequencers are about 18 hex digits; a longer one is not S3's. */
    public static final int MAX_LENGTH = 128;

    public enum Kind { S3_SEQUENCER, GCS_GENERATION }

    public ObjectSequencer {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(kind + " must have 1.." + MAX_LENGTH + " characters: '" + shorten(value) + "'");
        }
        switch (kind) {
            case S3_SEQUENCER -> {
                if (!value.chars().allMatch(ObjectSequencer::hexDigit)) {
                    throw new IllegalArgumentException("S3 sequencer is not hexadecimal: '" + shorten(value) + "'");
                }
            }
            case GCS_GENERATION -> {
                if (!value.chars().allMatch(c -> c >= '0' && c <= '9') || new BigInteger(value).bitLength() > 63) {
                    throw new IllegalArgumentException("GCS generation is not a non-negative int64: '" + shorten(value) + "'");
                }
            }
        }
    }

    /** S3's sequencer; null when absent or empty. */
    public static ObjectSequencer s3(String sequencer) {
        return sequencer == null || sequencer.isEmpty() ? null : new ObjectSequencer(Kind.S3_SEQUENCER, sequencer);
    }

    /** A GCS generation; null when absent or empty. */
    public static ObjectSequencer gcsGeneration(String generation) {
        return generation == null || generation.isEmpty() ? null : new ObjectSequencer(Kind.GCS_GENERATION, generation);
    }

    /**
     * The token as an order-preserving text: {@code s} + the upper-case hex without trailing zeros
     * (S3), or {@code g} + the generation left-padded to 19 digits (GCS). Two tokens compare as their
     * keys compare by code unit (ASCII only), which is PostgreSQL's order under {@code COLLATE "C"}.
     */
    public String orderKey() {
        return switch (kind) {
            case S3_SEQUENCER -> "s" + stripTrailingZeros(value.toUpperCase(Locale.ROOT));
            case GCS_GENERATION -> "g" + "0".repeat(19 - stripLeadingZeros(value).length()) + stripLeadingZeros(value);
        };
    }

    @Override
    public int compareTo(ObjectSequencer other) {
        return orderKey().compareTo(other.orderKey());
    }

    /** Whether both name the same point in the key's history (e.g. "0A" and "0a00" for S3). */
    public boolean sameOrder(ObjectSequencer other) {
        return compareTo(other) == 0;
    }

    @Override
    public String toString() {
        return value;
    }

    private static boolean hexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static String stripTrailingZeros(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '0') end--;
        return s.substring(0, end);
    }

    private static String stripLeadingZeros(String s) {
        int start = 0;
        while (start < s.length() - 1 && s.charAt(start) == '0') start++;
        return s.substring(start);
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
