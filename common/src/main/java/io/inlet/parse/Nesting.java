package io.inlet.parse;

import java.util.Arrays;

/**
 * The open brackets inside one JSON array element, as far as framing needs them. A closing
 * bracket closes up to its matching opener, or one level when none is open (so wrong nesting stays
 * inside the element); a close at depth 0 is stray and changes nothing. Bracket kinds are
 * remembered {@link #TRACKED} deep and only counted beyond, so memory stays bounded.
 */
final class Nesting {

    static final int TRACKED = 1 << 12;

    private byte[] openers = new byte[64];
    private int depth;

    void clear() {
        depth = 0;
    }

    int depth() {
        return depth;
    }

    /** The innermost opener, or -1 (none open, or beyond the tracked depth). */
    int innermost() {
        return depth > 0 && depth <= TRACKED ? openers[depth - 1] : -1;
    }

    void open(int opener) {
        if (depth < TRACKED) {
            if (depth == openers.length) openers = Arrays.copyOf(openers, depth * 2);
            openers[depth] = (byte) opener;
        }
        depth++;
    }

    void close(int closer) {
        if (depth == 0) return;
        if (depth > TRACKED) {
            depth--;
            return;
        }
        int opener = closer == '}' ? '{' : '[';
        for (int d = depth; d > 0; d--) {
            if (openers[d - 1] == opener) {
                depth = d - 1;
                return;
            }
        }
        depth--;
    }
}
