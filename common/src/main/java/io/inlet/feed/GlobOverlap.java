package io.inlet.feed;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Whether two languages of {@link GlobToken}s (key globs, or stream id templates) share a word:
 * an exact emptiness test of their intersection, walking both token lists together. Each pair of
 * positions is visited at most once, with an explicit work list (no recursion), so the work is at
 * most (|a| + 1) x (|b| + 1).
 */
final class GlobOverlap {

    private GlobOverlap() {
    }

    /** Whether two key globs can match a common key. */
    static boolean overlaps(String a, String b) {
        return overlaps(KeyGlob.compile(a).tokens(), KeyGlob.compile(b).tokens());
    }

    static boolean overlaps(List<GlobToken> x, List<GlobToken> y) {
        int n = x.size(), m = y.size();
        boolean[][] seen = new boolean[n + 1][m + 1];
        ArrayDeque<int[]> work = new ArrayDeque<>();
        work.push(new int[] {0, 0});
        while (!work.isEmpty()) {
            int[] at = work.pop();
            int i = at[0], j = at[1];
            if (seen[i][j]) continue;
            seen[i][j] = true;
            if (i == n && j == m) return true;
            boolean xStar = i < n && x.get(i).isStar();
            boolean yStar = j < m && y.get(j).isStar();
            if (xStar) work.push(new int[] {i + 1, j}); // the star matches nothing more
            if (yStar) work.push(new int[] {i, j + 1});
            if (i == n || j == m) continue;
            GlobToken p = x.get(i), q = y.get(j);
            if (xStar && yStar) continue; // both stars: covered by ending either
            if (xStar) {
                if (canAbsorb(p, q)) work.push(new int[] {i, j + 1}); // the star eats q's character
            } else if (yStar) {
                if (canAbsorb(q, p)) work.push(new int[] {i + 1, j});
            } else if (shareACharacter(p, q)) {
                work.push(new int[] {i + 1, j + 1});
            }
        }
        return false;
    }

    /** Whether a star can consume one character that the single-character token {@code single} takes. */
    private static boolean canAbsorb(GlobToken star, GlobToken single) {
        if (star.kind() == GlobToken.Kind.GLOBSTAR) return true;
        return single.kind() != GlobToken.Kind.CHAR || single.codePoint() != GlobToken.SLASH;
    }

    /** Whether two single-character tokens accept a common character. */
    private static boolean shareACharacter(GlobToken p, GlobToken q) {
        if (p.kind() == GlobToken.Kind.CHAR) return q.accepts(p.codePoint());
        if (q.kind() == GlobToken.Kind.CHAR) return p.accepts(q.codePoint());
        return true; // two wildcards share any character other than '/'
    }
}
