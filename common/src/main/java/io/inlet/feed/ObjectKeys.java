package io.inlet.feed;

import java.util.Optional;

/**
 * What an object key may be: S3 keys and GCS object names are at most 1024 bytes of UTF-8, so a
 * longer key can only come from a forged notification or a local path, and is refused before any
 * pattern looks at it.
 */
public final class ObjectKeys {

    /** The most UTF-8 bytes an S3 key or a GCS object name has. */
    public static final int MAX_KEY_BYTES = 1024;

    private ObjectKeys() {
    }

    /** Why the key is too long for any bucket, or empty when it is not.  */
    public static Optional<String> tooLong(String key) {
        long bytes = 0;
        for (int i = 0; i < key.length(); ) {
            int cp = key.codePointAt(i);
            i += Character.charCount(cp);
            bytes += utf8Length(cp);
        }
        if (bytes <= MAX_KEY_BYTES) return Optional.empty();
        return Optional.of("key is " + bytes + " bytes in UTF-8; S3 and GCS allow at most " + MAX_KEY_BYTES);
    }

    static int utf8Length(int cp) {
        if (cp < 0x80) return 1;
        if (cp < 0x800) return 2;
        if (cp < 0x10000) return 3;
        return 4;
    }
}
