package io.inlet.parse;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Undoes the compression of a file, detected from its leading bytes and never from its name (a
 * vendor's {@code .gz} file may hold plain text, and a {@code .csv} may be gzipped).
 */
final class Decompression {

    private static final int BUFFER = 1 << 16;

    /**
     * A decompression bomb guard: past {@link #BOMB_FLOOR} bytes of output, more than
     * {@link #MAX_EXPANSION} output bytes per compressed byte rejects the file. Real vendor CSV
     * compresses 5-20x; a bomb compresses 1000x and more.
     */
    static final long MAX_EXPANSION = 200;
    static final long BOMB_FLOOR = 64L << 20;

    /** A compression format and its magic number. */
    enum Codec {
        NONE(new int[0]),
        GZIP(new int[] {0x1f, 0x8b}),
        ZSTD(new int[] {0x28, 0xb5, 0x2f, 0xfd}),
        // "BZh" plus the block-size digit: four bytes make a false positive on text unlikely.
        BZIP2(new int[] {'B', 'Z', 'h', -1});

        private final int[] magic;

        Codec(int[] magic) {
            this.magic = magic;
        }

        boolean matches(byte[] head, int length) {
            if (magic.length == 0 || length < magic.length) return false;
            for (int i = 0; i < magic.length; i++) {
                int b = head[i] & 0xff;
                if (magic[i] == -1 ? (b < '1' || b > '9') : b != magic[i]) return false;
            }
            return true;
        }
    }

    private Decompression() {
    }

    /** The decompressed bytes and the compression they were found in. */
    record Decompressed(BufferedInputStream stream, Codec codec) {
        boolean compressed() {
            return codec != Codec.NONE;
        }
    }

    /**
     * Wraps the raw bytes of {@code fileName} in the matching decompressor. Corrupt compressed data
     * surfaces as {@link FileFormatException} naming the file; the source's own read failures pass
     * through unchanged (they are transient).
     */
    static Decompressed open(InputStream raw, FormatSpec.Compression mode, String fileName) throws IOException {
        SourceStream source = new SourceStream(raw);
        BufferedInputStream buffered = new BufferedInputStream(source, BUFFER);
        Codec codec = mode == FormatSpec.Compression.NONE ? Codec.NONE : detect(buffered);
        if (codec == Codec.NONE) return new Decompressed(buffered, codec);
        try {
            InputStream decoded = switch (codec) {
                // Commons Compress reads every member of a multi-member gzip; the JDK's
                // GZIPInputStream stops after the first one when available() reports 0.
                case GZIP -> GzipCompressorInputStream.builder()
                        .setInputStream(buffered)
                        .setDecompressConcatenated(true)
                        .get();
                case ZSTD -> new ZstdInputStream(buffered);
                case BZIP2 -> new BZip2CompressorInputStream(buffered, true);
                case NONE -> throw new IllegalStateException();
            };
            return new Decompressed(new BufferedInputStream(new CorruptionGuard(decoded, source, codec, fileName), BUFFER),
                    codec);
        } catch (IOException e) {
            if (source.isSourceFailure(e)) throw e;
            throw corrupt(codec, fileName, e);
        }
    }

    static Codec detect(BufferedInputStream in) throws IOException {
        byte[] head = new byte[4];
        in.mark(head.length);
        int n = in.readNBytes(head, 0, head.length);
        in.reset();
        for (Codec codec : Codec.values()) {
            if (codec.matches(head, n)) return codec;
        }
        return Codec.NONE;
    }

    private static FileFormatException corrupt(Codec codec, String fileName, Exception e) {
        return new FileFormatException(fileName + ": corrupt " + codec.name().toLowerCase(Locale.ROOT)
                + " data: " + e.getMessage(), e);
    }

    /** Turns a decompressor's complaint about the content into a permanent, named failure. */
    private static final class CorruptionGuard extends FilterInputStream {

        private final SourceStream source;
        private final Codec codec;
        private final String fileName;

        CorruptionGuard(InputStream in, SourceStream source, Codec codec, String fileName) {
            super(in);
            this.source = source;
            this.codec = codec;
            this.fileName = fileName;
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = super.read();
            } catch (IOException | RuntimeException e) {
                throw translate(e);
            }
            if (b >= 0) guardExpansion(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                throw translate(e);
            }
            if (n > 0) guardExpansion(n);
            return n;
        }

        private long produced;

        private void guardExpansion(long n) {
            produced += n;
            long consumed = Math.max(1, source.bytesRead());
            if (produced > BOMB_FLOOR && produced / consumed > MAX_EXPANSION) {
                throw new FileFormatException(fileName + ": " + codec.name().toLowerCase(Locale.ROOT)
                        + " data expands more than " + MAX_EXPANSION + "x (" + produced + " bytes from " + consumed
                        + "): refusing a possible decompression bomb");
            }
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped;
            try {
                skipped = super.skip(n);
            } catch (IOException | RuntimeException e) {
                throw translate(e);
            }
            if (skipped > 0) guardExpansion(skipped);
            return skipped;
        }

        private IOException translate(Exception e) {
            if (e instanceof FileFormatException ffe) throw ffe;
            if (source.isSourceFailure(e) && e instanceof IOException io) return io;
            throw corrupt(codec, fileName, e);
        }
    }
}
