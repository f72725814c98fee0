package io.inlet.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Input built to hurt: every case ends in a named, classified error or a malformed record, never a crash. */
class HostileInputTest {

    @Test
    void aGzipBombIsRefusedWithANamedError() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write("a,b\n".getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[1 << 20]; // zeros: deflate's best case, ~1000x
            for (int i = 0; i < 300; i++) out.write(block);
        }
        assertThat(gz.size()).isLessThan(1 << 20);
        FormatSpec spec = FormatSpec.csv(new CsvOptions(',', '"', null, true, List.of(), false, true));
        assertThatThrownBy(() -> {
            try (RecordReader reader = RecordReaders.open(spec, "bomb.csv.gz", Reading.opener(gz.toByteArray()), ResumePoint.START)) {
                while (reader.next() != null) {
                    // drain: the guard must stop this long before 300 MiB
                }
            }
        })
                .isInstanceOf(FileFormatException.class)
                .hasMessageContaining("bomb.csv.gz")
                .hasMessageContaining("decompression bomb");
    }

    @Test
    void deeplyNestedJsonIsAMalformedRecordNotAStackOverflow() throws Exception {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        byte[] file = ("{\"ok\":1}\n{\"deep\":" + deep + "}\n{\"ok\":2}\n").getBytes(StandardCharsets.UTF_8);
        List<ReadItem> items = Reading.readAll(FormatSpec.of(RecordFormats.JSON_LINES), "deep.jsonl", Reading.opener(file));
        assertThat(items).hasSize(3);
        assertThat(items.get(0)).isInstanceOf(RawRecord.class);
        assertThat(items.get(1)).isInstanceOfSatisfying(MalformedRecord.class,
                m -> assertThat(m.reason()).containsIgnoringCase("nesting"));
        assertThat(items.get(2)).isInstanceOf(RawRecord.class);
    }

    @Test
    void invalidUtf8IsAMalformedRecordAtItsByte() throws Exception {
        byte[] file = "id,name\n1,ok\n2,\u00ff\u00fe\n3,fine\n".getBytes(StandardCharsets.ISO_8859_1);
        List<ReadItem> items = Reading.readAll(FormatSpec.csv(CsvOptions.DEFAULTS), "bad-utf8.csv", Reading.opener(file));
        assertThat(items).hasSize(3);
        assertThat(items.get(1)).isInstanceOfSatisfying(MalformedRecord.class,
                m -> assertThat(m.reason()).contains("invalid UTF-8"));
    }

    @Test
    void fieldContentIsKeptVerbatimNeverInterpreted() throws Exception {
        String nasty = "\"Robert'); DROP TABLE order_events;--\",\"=HYPERLINK(\"\"http://x\"\")\",\"a\u0007b\"";
        byte[] file = ("name,formula,control\n" + nasty + "\n").getBytes(StandardCharsets.UTF_8);
        List<ReadItem> items = Reading.readAll(FormatSpec.csv(CsvOptions.DEFAULTS), "nasty.csv", Reading.opener(file));
        RawRecord r = (RawRecord) items.get(0);
        assertThat(r.fields().get("name").asText()).isEqualTo("Robert'); DROP TABLE order_events;--");
        assertThat(r.fields().get("formula").asText()).isEqualTo("=HYPERLINK(\"http://x\")");
        assertThat(r.fields().get("control").asText()).isEqualTo("a\u0007b");
    }
}
