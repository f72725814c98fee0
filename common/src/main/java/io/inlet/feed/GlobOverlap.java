package io.inlet.feed;

/**
 * Whether two key globs ({@code *} within a segment, {@code **} across, {@code ?} one character)
 * can match a common key: an exact emptiness test of the intersection of the two languages,
 * walking both patterns together (each position pair visited once).
 */
final class GlobOverlap {

    private GlobOverlap() {
    }

    private enum Kind { CHAR, ANY_CHAR, STAR, GLOBSTAR }

    private record Token(Kind kind, char c) {
    }

    static boolean overlaps(String a, String b) {
        Token[] x = tokens(a);
        Token[] y = tokens(b);
        return walk(x, y, 0, 0, new boolean[x.length + 1][y.length + 1]);
    }

    private static boolean walk(Token[] x, Token[] y, int i, int j, boolean[][] visited) {
        if (visited[i][j]) return false;
        visited[i][j] = true;
        if (i == x.length && j == y.length) return true;
        boolean xStar = i < x.length && isStar(x[i]);
        boolean yStar = j < y.length && isStar(y[j]);
        if (xStar && walk(x, y, i + 1, j, visited)) return true; // star matches nothing more
        if (yStar && walk(x, y, i, j + 1, visited)) return true;
        if (i == x.length || j == y.length) return false;
        if (xStar && !yStar) {
            return canAbsorb(x[i], y[j]) && walk(x, y, i, j + 1, visited); // star eats y's character
        }
        if (yStar && !xStar) {
            return canAbsorb(y[j], x[i]) && walk(x, y, i + 1, j, visited);
        }
        if (xStar) return false; // both stars: covered by skipping either
        return sameChar(x[i], y[j]) && walk(x, y, i + 1, j + 1, visited);
    }

    /** Whether a star can consume one character that {@code single} matches. */
    private static boolean canAbsorb(Token star, Token single) {
        if (star.kind() == Kind.GLOBSTAR) return true;
        return single.kind() == Kind.ANY_CHAR || single.c() != '/';
    }

    private static boolean sameChar(Token p, Token q) {
        if (p.kind() == Kind.ANY_CHAR && q.kind() == Kind.ANY_CHAR) return true;
        if (p.kind() == Kind.ANY_CHAR) return q.c() != '/';
        if (q.kind() == Kind.ANY_CHAR) return p.c() != '/';
        return p.c() == q.c();
    }

    private static boolean isStar(Token t) {
        return t.kind() == Kind.STAR || t.kind() == Kind.GLOBSTAR;
    }

    private static Token[] tokens(String glob) {
        java.util.List<Token> out = new java.util.ArrayList<>();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                out.add(new Token(Kind.GLOBSTAR, c));
                i++;
            } else if (c == '*') {
                out.add(new Token(Kind.STAR, c));
            } else if (c == '?') {
                out.add(new Token(Kind.ANY_CHAR, c));
            } else {
                out.add(new Token(Kind.CHAR, c));
            }
        }
        return out.toArray(Token[]::new);
    }
}
