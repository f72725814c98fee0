package io.inlet.event;

import java.math.BigInteger;

/**
 * A schema version a message declares for its events — in an attribute its feed names, or in a
 * CloudEvent's {@code schemaversion} extension — read the one way for both: a whole number from 1 to
 * 2<sup>31</sup>-1 (the {@code schema_version} column is an {@code int}) in ASCII digits, nothing
 * else (no sign, no spaces, no decimal point, no other script's digits).
 */
public final class DeclaredSchemaVersion {

    private static final BigInteger MAX = BigInteger.valueOf(Integer.MAX_VALUE);

    private DeclaredSchemaVersion() {
    }

    /**
     * @param where names the carrier for the reason, e.g. {@code attribute 'schemaVersion'}
     * @throws IllegalArgumentException with the reason, the value quoted printably
     */
    public static int parse(String where, Object declared) {
        String text = String.valueOf(declared);
        if (!text.isEmpty() && text.length() <= 10 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            BigInteger n = new BigInteger(text);
            if (n.signum() > 0 && n.compareTo(MAX) <= 0) return n.intValueExact();
        }
        throw new IllegalArgumentException(where + ": must be a whole number from 1 to " + Integer.MAX_VALUE
                + ", found \"" + Printable.of(text, 40) + "\"");
    }
}
