package io.inlet.aws.decode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Object keys in S3 event notifications are form-URL-encoded ({@code +} is a space, {@code %2B} a
 * plus). They are decoded here exactly once; keys in EventBridge events arrive plain and must not
 * pass through this.
 */
public final class NotificationKey {

    private NotificationKey() {
    }

    /** @throws IllegalArgumentException when the key holds a broken {@code %} escape */
    public static String decode(String encodedKey) {
        return URLDecoder.decode(encodedKey, StandardCharsets.UTF_8);
    }
}
