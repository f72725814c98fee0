package io.inlet.sweep;

import io.inlet.feed.Feed;
import io.inlet.feed.FeedRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What the scheduled sweep lists: for each bucket of the file feeds, the literal prefixes of their
 * key patterns (the text before the first {@code *} or {@code ?}), a prefix inside another dropped,
 * so every key a feed can take is listed once.
 */
public final class SweepTargets {

    public record Target(String bucket, String prefix) {
    }

    private SweepTargets() {
    }

    public static List<Target> of(FeedRegistry feeds) {
        TreeSet<Target> all = new TreeSet<>((a, b) -> a.bucket().equals(b.bucket())
                ? a.prefix().compareTo(b.prefix()) : a.bucket().compareTo(b.bucket()));
        for (Feed f : feeds.feeds()) all.add(new Target(f.match().bucket(), literalPrefix(f.match().keyPattern())));
        List<Target> out = new ArrayList<>();
        for (Target t : all) {
            Target last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.bucket().equals(t.bucket()) && t.prefix().startsWith(last.prefix())) continue;
            out.add(t);
        }
        return out;
    }

    static String literalPrefix(String keyPattern) {
        int star = keyPattern.indexOf('*');
        int q = keyPattern.indexOf('?');
        int end = star < 0 ? q : q < 0 ? star : Math.min(star, q);
        return end < 0 ? keyPattern : keyPattern.substring(0, end);
    }
}
