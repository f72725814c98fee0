package io.inlet.gcp.decode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * RFC 3986 percent-decoding, as CloudEvent subjects ({@code objects/a%2Fb.csv}) need it. Unlike
 * {@link java.net.URLDecoder} a {@code +} stays a plus: object names may contain one.
 */
final class PercentEncoding {

    private PercentEncoding() {
    }

    static String decode(String text) throws DecodeException {
        if (text.indexOf('%') < 0) return text;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (i + 2 >= text.length()) throw new DecodeException("truncated percent escape at index " + i + " in '" + text + "'");
            int hi = Character.digit(text.charAt(i + 1), 16);
            int lo = Character.digit(text.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) throw new DecodeException("bad percent escape at index " + i + " in '" + text + "'");
            bytes.write(hi << 4 | lo);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new DecodeException("percent escapes in '" + text + "' are not UTF-8", e);
        }
    }
}
