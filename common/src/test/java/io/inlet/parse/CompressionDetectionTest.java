package io.inlet.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;

class CompressionDetectionTest {

    private static final FormatSpec CSV = Reading.csv(',', "auto");
    private static final byte[] PLAIN = Reading.bytes(Reading.sample("gz-sources/acme/orders-2026-11-20.csv"));

    @Test
    void gzipFileReadsExactlyLikeItsPlainSource() throws IOException {
        List<ReadItem> plain = Reading.readAll(CSV, PLAIN);
        List<ReadItem> gzipped = Reading.readAll(CSV, "acme/orders-2026-11-20.csv.gz",
                Reading.opener(Reading.sample("acme/orders-2026-11-20.csv.gz")));

        assertThat(plain).hasSize(25);
        assertThat(gzipped).isEqualTo(plain);
    }

    @Test
    void multiMemberGzipReadsEveryMemberEvenWhenTheSourceReportsNothingAvailable() throws IOException {
        byte[] gz = Reading.bytes(Reading.sample("acme/orders-multimember.csv.gz"));
        // A network stream: available() is 0 and reads return a few bytes at a time, which makes the
        // JDK's GZIPInputStream stop silently after the first member.
        StreamOpener trickle = from -> new Trickle(new ByteArrayInputStream(gz, (int) from, gz.length - (int) from));

        List<ReadItem> items = Reading.readAll(CSV, "acme/orders-multimember.csv.gz", trickle);

        assertThat(items).hasSize(18).allMatch(RawRecord.class::isInstance);
        assertThat(((RawRecord) items.get(9)).fields().get("order_id").asText()).isEqualTo("A-5-0010");
        assertThat(((RawRecord) items.get(10)).fields().get("order_id").asText()).isEqualTo("A-5-0011");
        assertThat(items.get(10).position().lineNumber()).isEqualTo(12);
    }

    @Test
    void plainTextUnderAGzName() throws IOException {
        List<ReadItem> items = Reading.readAll(CSV, "acme/orders-plain-named.csv.gz",
                Reading.opener(Reading.sample("acme/orders-plain-named.csv.gz")));

        assertThat(items).hasSize(4).allMatch(RawRecord.class::isInstance);
    }

    @Test
    void zstdIsDetectedFromItsMagicBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream zstd = new ZstdOutputStream(out)) {
            zstd.write(PLAIN);
        }

        assertThat(Reading.readAll(CSV, out.toByteArray())).isEqualTo(Reading.readAll(CSV, PLAIN));
        ResumeEquivalence.assertEveryResumeMatchesFullRead(CSV, "orders.zst", Reading.opener(out.toByteArray()));
    }

    @Test
    void bzip2IsDetectedFromItsMagicBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream bzip2 = new BZip2CompressorOutputStream(out)) {
            bzip2.write(PLAIN);
        }

        assertThat(Reading.readAll(CSV, out.toByteArray())).isEqualTo(Reading.readAll(CSV, PLAIN));
    }

    @Test
    void corruptGzipFailsNamingTheFile() {
        byte[] gz = Reading.bytes(Reading.sample("acme/orders-2026-11-20.csv.gz"));
        byte[] corrupt = gz.clone();
        for (int i = 20; i < 60; i++) corrupt[i] = (byte) 0xff;

        assertThatThrownBy(() -> Reading.readAll(CSV, "acme/broken.csv.gz", Reading.opener(corrupt)))
                .isInstanceOf(FileFormatException.class)
                .hasMessageStartingWith("acme/broken.csv.gz: corrupt gzip data");
    }

    @Test
    void truncatedGzipFailsNamingTheFile() {
        byte[] gz = Reading.bytes(Reading.sample("acme/orders-2026-11-20.csv.gz"));
        byte[] truncated = Arrays.copyOf(gz, gz.length / 2);

        assertThatThrownBy(() -> Reading.readAll(CSV, "acme/cut.csv.gz", Reading.opener(truncated)))
                .isInstanceOf(FileFormatException.class)
                .hasMessageStartingWith("acme/cut.csv.gz: corrupt gzip data");
    }

    @Test
    void corruptZstdFailsNamingTheFile() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream zstd = new ZstdOutputStream(out)) {
            zstd.write(PLAIN);
        }
        byte[] corrupt = out.toByteArray();
        for (int i = 10; i < corrupt.length; i++) corrupt[i] = (byte) (corrupt[i] ^ 0x5a);

        assertThatThrownBy(() -> Reading.readAll(CSV, "orders.zst", Reading.opener(corrupt)))
                .isInstanceOf(FileFormatException.class)
                .hasMessageStartingWith("orders.zst: corrupt zstd data");
    }

    @Test
    void compressionNoneReadsGzipBytesAsText() {
        FormatSpec none = new FormatSpec(RecordFormats.CSV, FormatSpec.Compression.NONE, "auto", CsvOptions.DEFAULTS, 0);
        byte[] gz = Reading.bytes(Reading.sample("acme/orders-2026-11-20.csv.gz"));

        // 0x8b (the second gzip magic byte) cannot start a UTF-8 character
        assertThatThrownBy(() -> Reading.readAll(none, "a.csv.gz", Reading.opener(gz)))
                .isInstanceOf(FileFormatException.class)
                .hasMessage("a.csv.gz: header row (line 1): invalid UTF-8 at byte 1");
    }

    @Test
    void sourceFailureInsideCompressedDataStaysTransient() {
        byte[] gz = Reading.bytes(Reading.sample("acme/orders-2026-11-20.csv.gz"));
        StreamOpener failing = from -> new FilterInputStream(new ByteArrayInputStream(gz, 0, 200)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) throw new IOException("connection reset");
                return n;
            }
        };

        assertThatThrownBy(() -> Reading.readAll(CSV, "a.csv.gz", failing))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(FileFormatException.class)
                .hasMessage("connection reset");
    }

    /** Reports nothing available and hands out at most seven bytes per read. */
    private static final class Trickle extends FilterInputStream {
        Trickle(InputStream in) {
            super(in);
        }

        @Override
        public int available() {
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 7));
        }
    }
}
