package io.inlet.feed;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Why each file feed takes an object key or not, in file order (the first match wins): bucket
 * mismatch, the key too long, or the first part of the key pattern the key fails, or shadowed by an
 * earlier feed. What {@code inlet feeds explain KEY} prints.
 */
public final class FeedExplanation {

    private FeedExplanation() {
    }

    /** One feed's verdict on the key. */
    public record Verdict(String feed, String bucket, String keyPattern, Kind kind, String why) {
    }

    public enum Kind { TAKES, SHADOWED, BUCKET_MISMATCH, KEY_TOO_LONG, GLOB_MISMATCH }

    /** Every file feed's verdict on {@code bucket} (null: any bucket) and {@code key}, in file order. */
    public static List<Verdict> explain(FeedRegistry feeds, String bucket, String key) {
        List<Verdict> out = new ArrayList<>();
        String taker = null;
        for (Feed f : feeds.feeds()) {
            ObjectMatch m = f.match();
            Kind kind;
            String why;
            Optional<String> tooLong = ObjectKeys.tooLong(key);
            if (bucket != null && !m.bucket().equals(bucket)) {
                kind = Kind.BUCKET_MISMATCH;
                why = "bucket '" + m.bucket() + "', not '" + bucket + "'";
            } else if (tooLong.isPresent()) {
                kind = Kind.KEY_TOO_LONG;
                why = tooLong.get();
            } else if (!m.keyGlob().matches(key)) {
                kind = Kind.GLOB_MISMATCH;
                why = globMismatch(m.keyPattern(), key);
            } else if (taker != null) {
                kind = Kind.SHADOWED;
                why = "the pattern matches, but feed '" + taker + "' comes first in the file and takes it";
            } else {
                kind = Kind.TAKES;
                taker = f.name();
                why = "bucket '" + m.bucket() + "' and pattern '" + m.keyPattern() + "' match; first match in file order";
            }
            out.add(new Verdict(f.name(), m.bucket(), m.keyPattern(), kind, why));
        }
        return out;
    }

    /**
     * Which part of the pattern the key fails: the first pattern segment {@code i} such that the
     * segments before it, followed by {@code **}, still match the key but those up to it do not.
     */
    static String globMismatch(String pattern, String key) {
        String[] parts = pattern.split("/", -1);
        String[] keyParts = key.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String upTo = String.join("/", java.util.Arrays.copyOf(parts, i + 1));
            boolean last = i == parts.length - 1;
            boolean prefixMatches = last ? KeyGlob.compile(upTo).matches(key) : KeyGlob.compile(upTo + "/**").matches(key);
            if (!prefixMatches) {
                String keyPart = i < keyParts.length ? "'" + keyParts[i] + "'" : "nothing (the key has only " + keyParts.length + " part(s))";
                if (last && i < keyParts.length - 1 && !parts[i].contains("**")) {
                    return "part " + (i + 1) + " of the pattern, '" + parts[i] + "', is its last, but the key goes on after "
                            + keyPart + " ('*' stays within one part; '**' crosses '/')";
                }
                return "part " + (i + 1) + " of the pattern, '" + parts[i] + "', does not match " + keyPart
                        + " (pattern '" + pattern + "')";
            }
        }
        return "the key does not match pattern '" + pattern + "'";
    }
}
