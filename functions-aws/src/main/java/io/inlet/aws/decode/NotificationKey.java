package io.inlet.aws.decode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Object keys in S3 event notifications are form-URL-encoded ({@code +} is a space, {@code %2B} a
 * plus). They are decoded here exactly once; keys in EventBridge events arrive plain and must not
 * pass through this.
 */
public final class NotificationKey {

    private NotificationKey() {
    }

    /**
     * @throws IllegalArgumentException when the key holds a broken {@code %} escape, or escapes whose bytes
     *                                  are not UTF-8 (which {@link java.net.URLDecoder} would replace with
     *                                  U+FFFD: a key changed silently)
     */
    public static String decode(String encodedKey) {
        if (encodedKey.indexOf('%') < 0) return encodedKey.replace('+', ' ');
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encodedKey.length());
        int plain = 0; // start of the run of characters not yet written
        for (int i = 0; i < encodedKey.length(); i++) {
            char c = encodedKey.charAt(i);
            if (c != '%') continue;
            bytes.writeBytes(encodedKey.substring(plain, i).replace('+', ' ').getBytes(StandardCharsets.UTF_8));
            int hi = i + 2 < encodedKey.length() ? Character.digit(encodedKey.charAt(i + 1), 16) : -1;
            int lo = i + 2 < encodedKey.length() ? Character.digit(encodedKey.charAt(i + 2), 16) : -1;
            if (hi < 0 || lo < 0) throw new IllegalArgumentException("broken % escape at index " + i);
            bytes.write(hi << 4 | lo);
            i += 2;
            plain = i + 1;
        }
        bytes.writeBytes(encodedKey.substring(plain).replace('+', ' ').getBytes(StandardCharsets.UTF_8));
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("its % escapes are not UTF-8", e);
        }
    }
}
