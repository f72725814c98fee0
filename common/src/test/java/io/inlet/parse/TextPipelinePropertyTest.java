package io.inlet.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three text formats share one pipeline: whatever the compression and the charset (declared or
 * told by a byte-order mark), a file yields the records it was written from, the same in every
 * combination, and a resume at any checkpoint yields the rest. A search over random records.
 */
class TextPipelinePropertyTest {

    static final int SEEDS = 40;
    static final List<String> COLUMNS = List.of("id", "name", "note");
    /** Characters every tested charset can write (ISO-8859-1 and windows-1252 included). */
    static final String ALPHABET = "abcXYZ019 ,;\"'\\|\t\n\réüßø{}[]:";
    static final ObjectMapper JSON = new ObjectMapper();

    /** How a file's text becomes bytes, and the charset the feed declares for it. */
    record Encoding(String declared, Function<String, byte[]> encode) {
        static Encoding plain(String declared, Charset charset) {
            return new Encoding(declared, s -> s.getBytes(charset));
        }

        static Encoding withBom(String declared, byte[] bom, Charset charset) {
            return new Encoding(declared, s -> concat(bom, s.getBytes(charset)));
        }

        @Override
        public String toString() {
            return declared + "/" + encode.apply("").length + "-byte BOM";
        }
    }

    record Compression(String name, Function<byte[], byte[]> compress) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Encoding> ENCODINGS = List.of(
            Encoding.plain("auto", StandardCharsets.UTF_8),
            Encoding.withBom("auto", new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, StandardCharsets.UTF_8),
            Encoding.withBom("auto", new byte[] {(byte) 0xff, (byte) 0xfe}, StandardCharsets.UTF_16LE),
            Encoding.withBom("auto", new byte[] {(byte) 0xfe, (byte) 0xff}, StandardCharsets.UTF_16BE),
            Encoding.plain("UTF-16LE", StandardCharsets.UTF_16LE),
            Encoding.withBom("UTF-16", new byte[] {(byte) 0xff, (byte) 0xfe}, StandardCharsets.UTF_16LE),
            Encoding.plain("ISO-8859-1", StandardCharsets.ISO_8859_1),
            Encoding.plain("windows-1252", Charset.forName("windows-1252")));

    static final List<Compression> COMPRESSIONS = List.of(
            new Compression("none", b -> b),
            new Compression("gzip", b -> compress(b, GZIPOutputStream::new)),
            new Compression("zstd", b -> compress(b, ZstdOutputStream::new)),
            new Compression("bzip2", b -> compress(b, out -> new BZip2CompressorOutputStream(out, 1))));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"csv", "jsonl", "json_array"})
    void everyCompressionAndCharsetYieldsTheRecordsTheFileWasWrittenFrom(String type) throws IOException {
        RecordFormat format = RecordFormats.standard().find(type).orElseThrow();
        for (long seed = 0; seed < SEEDS; seed++) {
            Random random = new Random(seed);
            List<ObjectNode> records = records(random);
            String text = render(type, records, random.nextBoolean() ? "\r\n" : "\n");
            for (Encoding encoding : ENCODINGS) {
                for (Compression compression : COMPRESSIONS) {
                    String what = type + " seed " + seed + " " + encoding + " " + compression;
                    byte[] file = compression.compress().apply(encoding.encode().apply(text));
                    FormatSpec spec = new FormatSpec(format, FormatSpec.Compression.AUTO, encoding.declared(),
                            null, FormatSpec.DEFAULT_MAX_RECORD_BYTES);
                    List<ReadItem> items = Reading.readAll(spec, "f", Reading.opener(file));

                    assertThat(items).as(what).allMatch(RawRecord.class::isInstance, "well-formed");
                    assertThat(items.stream().map(i -> ((RawRecord) i).fields()).toList()).as(what).isEqualTo(records);
                    assertThat(items.stream().map(i -> i.position().recordNumber()).toList()).as(what)
                            .isEqualTo(java.util.stream.LongStream.rangeClosed(1, records.size()).boxed().toList());

                    int k = random.nextInt(records.size() + 1);
                    ResumePoint checkpoint;
                    try (RecordReader reader = RecordReaders.open(spec, "f", Reading.opener(file), ResumePoint.START)) {
                        for (int i = 0; i < k; i++) reader.next();
                        checkpoint = reader.checkpoint();
                    }
                    assertThat(Reading.readFrom(spec, "f", Reading.opener(file), checkpoint))
                            .as(what + " resumed after " + k).isEqualTo(items.subList(k, items.size()));
                }
            }
        }
    }

    static List<ObjectNode> records(Random random) {
        List<ObjectNode> records = new ArrayList<>();
        int n = 1 + random.nextInt(8);
        for (int r = 0; r < n; r++) {
            ObjectNode record = JsonNodeFactory.instance.objectNode();
            for (String column : COLUMNS) {
                StringBuilder value = new StringBuilder();
                int length = random.nextInt(12);
                for (int i = 0; i < length; i++) value.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                record.put(column, value.toString());
            }
            records.add(record);
        }
        return records;
    }

    static String render(String type, List<ObjectNode> records, String eol) {
        StringBuilder s = new StringBuilder();
        switch (type) {
            case "csv" -> {
                s.append(String.join(",", COLUMNS)).append(eol);
                for (ObjectNode r : records) {
                    List<String> fields = new ArrayList<>();
                    for (String c : COLUMNS) fields.add("\"" + r.get(c).asText().replace("\"", "\"\"") + "\"");
                    s.append(String.join(",", fields)).append(eol);
                }
            }
            case "jsonl" -> records.forEach(r -> s.append(json(r)).append(eol));
            case "json_array" -> {
                s.append("[").append(eol);
                for (int i = 0; i < records.size(); i++) s.append(i == 0 ? "" : "," + eol).append(json(records.get(i)));
                s.append(eol).append("]").append(eol);
            }
            default -> throw new IllegalArgumentException(type);
        }
        return s.toString();
    }

    static String json(ObjectNode r) {
        try {
            return JSON.writeValueAsString(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    interface Compressor {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    static byte[] compress(byte[] bytes, Compressor compressor) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream c = compressor.wrap(out)) {
            c.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
