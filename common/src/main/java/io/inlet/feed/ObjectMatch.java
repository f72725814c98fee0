package io.inlet.feed;

import java.util.Objects;

/**
 * Which objects belong to a feed: an exact bucket and a key glob ({@code *} within one path
 * segment, {@code **} across segments, {@code ?} one character), matched in bounded time
 * ({@link KeyGlob}). A key longer than any bucket allows ({@link ObjectKeys#MAX_KEY_BYTES}) matches nothing.
 */
public record ObjectMatch(String bucket, String keyPattern, KeyGlob keyGlob) {

    public ObjectMatch {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(keyPattern, "keyPattern");
        if (keyGlob == null) keyGlob = KeyGlob.compile(keyPattern);
    }

    public ObjectMatch(String bucket, String keyPattern) {
        this(bucket, keyPattern, null);
    }

    public boolean matches(String bucket, String key) {
        return this.bucket.equals(bucket) && ObjectKeys.tooLong(key).isEmpty() && keyGlob.matches(key);
    }
}
