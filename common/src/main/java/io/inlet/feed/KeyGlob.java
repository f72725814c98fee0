package io.inlet.feed;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled key glob: {@code *} any characters within one path segment, {@code **} any characters
 * across segments, {@code ?} one character other than '/', everything else itself; a character is a
 * Unicode code point. Matching runs the glob as a nondeterministic automaton over the key, one pass,
 * so its work is at most (key length + 1) x (glob size + 1) whatever the vendor names its objects:
 * no backtracking. Immutable and thread-safe.
 */
public final class KeyGlob {

    private final String pattern;
    private final GlobToken[] tokens;

    private KeyGlob(String pattern, GlobToken[] tokens) {
        this.pattern = pattern;
        this.tokens = tokens;
    }

    public static KeyGlob compile(String pattern) {
        List<GlobToken> out = new ArrayList<>();
        for (int i = 0; i < pattern.length(); ) {
            int cp = pattern.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '*' && i < pattern.length() && pattern.charAt(i) == '*') {
                out.add(GlobToken.of(GlobToken.Kind.GLOBSTAR));
                i++;
            } else if (cp == '*') {
                out.add(GlobToken.of(GlobToken.Kind.SEGMENT_STAR));
            } else if (cp == '?') {
                out.add(GlobToken.of(GlobToken.Kind.ONE_IN_SEGMENT));
            } else {
                out.add(GlobToken.literal(cp));
            }
        }
        return new KeyGlob(pattern, out.toArray(GlobToken[]::new));
    }

    /** Whether the whole key matches. */
    public boolean matches(String key) {
        return run(key).matched();
    }

    /** The outcome of one match and the (character, state) pairs it examined. */
    record Run(boolean matched, long steps) {
    }

    Run run(String key) {
        int m = tokens.length;
        boolean[] active = new boolean[m + 1];
        boolean[] next = new boolean[m + 1];
        active[0] = true;
        closeOverStars(active);
        long steps = 0;
        for (int k = 0; k < key.length(); ) {
            int cp = key.codePointAt(k);
            k += Character.charCount(cp);
            java.util.Arrays.fill(next, false);
            boolean any = false;
            for (int i = 0; i < m; i++) {
                steps++;
                if (!active[i] || !tokens[i].accepts(cp)) continue;
                next[tokens[i].isStar() ? i : i + 1] = true; // a star stays to take more; a single token moves on
                any = true;
            }
            steps++; // the final state, which accepts no further character
            if (!any) return new Run(false, steps);
            closeOverStars(next);
            boolean[] swap = active;
            active = next;
            next = swap;
        }
        return new Run(active[m], steps);
    }

    /** A star may match nothing: whoever stands before it also stands after it. */
    private void closeOverStars(boolean[] states) {
        for (int i = 0; i < tokens.length; i++) {
            if (states[i] && tokens[i].isStar()) states[i + 1] = true;
        }
    }

    /** The fewest UTF-8 bytes a matching key has: its literal characters plus one per {@code ?}. */
    int minimumKeyBytes() {
        int bytes = 0;
        for (GlobToken t : tokens) {
            if (t.kind() == GlobToken.Kind.CHAR) bytes += ObjectKeys.utf8Length(t.codePoint());
            else if (!t.isStar()) bytes += 1;
        }
        return bytes;
    }

    /** Number of tokens (a {@code **} is one). */
    int size() {
        return tokens.length;
    }

    List<GlobToken> tokens() {
        return List.of(tokens);
    }

    public String pattern() {
        return pattern;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyGlob other && other.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
