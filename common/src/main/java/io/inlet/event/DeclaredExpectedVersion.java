package io.inlet.event;

import java.math.BigInteger;

/**
 * The stream version a message says its stream must be at for its events to be appended — in the
 * {@value #ATTRIBUTE} message attribute (an SQS message attribute, a Pub/Sub attribute) or the
 * CloudEvent extension {@value #EXTENSION} ({@code ce-}{@value #EXTENSION} in binary mode) — read
 * the one way for both: a whole number from 0 (the stream has no event yet) to 2<sup>63</sup>-1
 * (the {@code stream_version} column is a {@code bigint}) in ASCII digits, nothing else.
 */
public final class DeclaredExpectedVersion {

    /** The message attribute. */
    public static final String ATTRIBUTE = "expectedVersion";
    /** The CloudEvent extension attribute (lower-case letters and digits, 20 characters, as the spec allows). */
    public static final String EXTENSION = "inletexpectedversion";

    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private DeclaredExpectedVersion() {
    }

    /**
     * @param where names the carrier for the reason, e.g. {@code attribute 'expectedVersion'}
     * @throws IllegalArgumentException with the reason, the value quoted printably
     */
    public static long parse(String where, Object declared) {
        String text = String.valueOf(declared);
        if (!text.isEmpty() && text.length() <= 19 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            BigInteger n = new BigInteger(text);
            if (n.compareTo(MAX) <= 0) return n.longValueExact();
        }
        throw new IllegalArgumentException(where + ": must be a whole number from 0 to " + Long.MAX_VALUE
                + ", found \"" + Printable.of(text, 40) + "\"");
    }
}
