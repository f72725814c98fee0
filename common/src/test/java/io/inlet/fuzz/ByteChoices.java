package io.inlet.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Choices drawn from a fuzzer's bytes, front to back, and their inverse ({@link Writer}): a seed
 * file is written by making the same choices, so a case from the issue can be replayed by the
 * fuzzer as a corpus entry. Exhausted input answers 0 and "".
 */
final class ByteChoices {

    private final byte[] bytes;
    private int at;

    ByteChoices(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A number in {@code [0, n)}, n at most 256: one byte. */
    int pick(int n) {
        if (n < 1 || n > 256) throw new IllegalArgumentException("n out of 1..256: " + n);
        return at < bytes.length ? (bytes[at++] & 0xff) % n : 0;
    }

    /**
     * A string of at most {@code max} chars: a length byte, then per char one byte (U+0000..U+00FE)
     * or 0xFF and two bytes (any UTF-16 code unit, lone surrogates included).
     */
    String string(int max) {
        int length = Math.min(pick(256), max);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length && at < bytes.length; i++) {
            int b = bytes[at++] & 0xff;
            if (b == 0xff) {
                int hi = at < bytes.length ? bytes[at++] & 0xff : 0;
                int lo = at < bytes.length ? bytes[at++] & 0xff : 0;
                sb.append((char) (hi << 8 | lo));
            } else {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    byte[] rest() {
        byte[] r = Arrays.copyOfRange(bytes, Math.min(at, bytes.length), bytes.length);
        at = bytes.length;
        return r;
    }

    /** Writes the bytes that make a {@link ByteChoices} return the given choices in the same order. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer pick(int value, int n) {
            if (value < 0 || value >= n) throw new IllegalArgumentException(value + " not in [0," + n + ")");
            out.write(value);
            return this;
        }

        Writer string(String s) {
            if (s.length() > 255) throw new IllegalArgumentException("seed strings hold at most 255 chars");
            out.write(s.length());
            for (char c : s.toCharArray()) {
                if (c < 0xff) {
                    out.write(c);
                } else {
                    out.write(0xff);
                    out.write(c >> 8);
                    out.write(c & 0xff);
                }
            }
            return this;
        }

        Writer bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
