package io.inlet.parse;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;

/**
 * The character set of a file and how its text is laid out in bytes.
 *
 * <p>Records are framed on bytes (so offsets are exact and an oversized record is never buffered),
 * which needs every structural character (line feed, delimiter, quote) to be one code unit that
 * never appears inside another character: true for UTF-8 and single-byte charsets (unit of one
 * byte) and for UTF-16 (unit of two bytes). Other multi-byte charsets (Shift_JIS, GBK, Big5) are
 * refused.
 *
 * @param charset   the decoding charset
 * @param bomLength bytes of byte-order mark at the start of the file (counted in offsets)
 * @param unitSize  bytes per code unit: 1, or 2 for UTF-16
 * @param bigEndian for UTF-16: the byte order
 */
record TextEncoding(Charset charset, int bomLength, int unitSize, boolean bigEndian) {

    static final String AUTO = "auto";

    /**
     * Detects the encoding from the file's first bytes (the stream is left unread) and the feed's
     * declared charset ({@code auto} or a Java charset name).
     */
    static TextEncoding detect(BufferedInputStream in, String declared, String fileName) throws IOException {
        byte[] head = new byte[3];
        in.mark(head.length);
        int n = in.readNBytes(head, 0, head.length);
        in.reset();
        boolean utf8Bom = n >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf;
        boolean beBom = n >= 2 && (head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff;
        boolean leBom = n >= 2 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe;

        if (declared == null || declared.equalsIgnoreCase(AUTO)) {
            if (utf8Bom) return new TextEncoding(StandardCharsets.UTF_8, 3, 1, false);
            if (beBom) return new TextEncoding(StandardCharsets.UTF_16BE, 2, 2, true);
            if (leBom) return new TextEncoding(StandardCharsets.UTF_16LE, 2, 2, false);
            return new TextEncoding(StandardCharsets.UTF_8, 0, 1, false);
        }
        Charset charset;
        try {
            charset = Charset.forName(declared);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new FileFormatException(fileName + ": unknown charset '" + declared + "'", e);
        }
        if (charset.equals(StandardCharsets.UTF_8)) {
            return new TextEncoding(charset, utf8Bom ? 3 : 0, 1, false);
        }
        if (charset.equals(StandardCharsets.UTF_16)) {
            // Java's "UTF-16" means: BOM decides, big-endian without one.
            return leBom ? new TextEncoding(StandardCharsets.UTF_16LE, 2, 2, false)
                    : new TextEncoding(StandardCharsets.UTF_16BE, beBom ? 2 : 0, 2, true);
        }
        if (charset.equals(StandardCharsets.UTF_16BE)) return new TextEncoding(charset, beBom ? 2 : 0, 2, true);
        if (charset.equals(StandardCharsets.UTF_16LE)) return new TextEncoding(charset, leBom ? 2 : 0, 2, false);
        if (charset.newEncoder().maxBytesPerChar() <= 1.0f && asciiCompatible(charset)) {
            return new TextEncoding(charset, 0, 1, false);
        }
        throw new FileFormatException(fileName + ": charset '" + declared
                + "' is not supported (use UTF-8, UTF-16LE/BE or a single-byte charset)");
    }

    private static boolean asciiCompatible(Charset charset) {
        byte[] bytes = "\n\r,;\"|\t".getBytes(charset);
        return new String(bytes, StandardCharsets.ISO_8859_1).equals("\n\r,;\"|\t");
    }

    /** The code unit that stands for {@code c} (a structural character such as the delimiter). */
    int unitOf(char c, String what, String fileName) {
        if (unitSize == 2) return c;
        byte[] bytes = String.valueOf(c).getBytes(charset);
        if (bytes.length != 1 || (bytes[0] == '?' && c != '?')) {
            throw new FileFormatException(fileName + ": the " + what + " '" + c + "' is not a single byte in "
                    + charset.name());
        }
        return bytes[0] & 0xff;
    }

    /** The bytes of an ASCII string in this encoding (used to frame a resumed JSON array). */
    byte[] encode(String ascii) {
        return ascii.getBytes(charset);
    }

    /**
     * Decodes one record's bytes strictly. The result says where the first undecodable byte is so
     * the record can be reported instead of silently altered.
     *
     * @param offset the absolute offset of {@code bytes[from]} in the decompressed stream
     */
    Decoded decode(byte[] bytes, int from, int length, long offset) {
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, length);
        CharBuffer out = CharBuffer.allocate(Math.max(16, (int) (length * (double) decoder.maxCharsPerByte()) + 1));
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) result = decoder.flush(out);
        if (result.isError()) {
            long at = offset + (in.position() - from);
            String text = new String(bytes, from, length, charset); // replaces bad bytes with U+FFFD
            return new Decoded(text, "invalid " + charsetLabel() + " at byte " + at);
        }
        out.flip();
        return new Decoded(out.toString(), null);
    }

    /** Decodes leniently (undecodable bytes become U+FFFD): for text shown in an error report. */
    String decodeLenient(byte[] bytes, int from, int length) {
        return new String(bytes, from, length, charset);
    }

    private String charsetLabel() {
        return charset.name().toUpperCase(Locale.ROOT).startsWith("UTF") ? charset.name() : charset.name() + " text";
    }

    /** Decoded text, and the reason it could not be decoded strictly (or {@code null}). */
    record Decoded(String text, String error) {
    }
}
