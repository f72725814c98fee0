package io.inlet.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CharsetTest {

    private static final FormatSpec CSV = Reading.csv(',', "auto");

    @Test
    void utf8BomIsSkippedButCountedInOffsets() throws IOException {
        List<ReadItem> items = Reading.readAll(CSV, "acme/orders-bom-crlf.csv",
                Reading.opener(Reading.sample("acme/orders-bom-crlf.csv")));

        RawRecord first = (RawRecord) items.get(0);
        // 3 BOM bytes + 51 header bytes + CRLF; the record is 52 bytes + CRLF
        assertThat(first.position()).isEqualTo(new RecordPosition(1, 2, 56, 56 + 52 + 2));
        assertThat(first.fields().fieldNames()).toIterable().first().isEqualTo("order_id");
        assertThat(first.rawText()).isEqualTo("A-1001,Jane Doe,129.90,EUR,2026-11-20T08:15:00Z,PAID");
    }

    @Test
    void utf16LittleEndianWithBom() throws IOException {
        byte[] bytes = withBom(new byte[] {(byte) 0xff, (byte) 0xfe}, "id,name\n1,Zoë\r\n2,Müller\n", StandardCharsets.UTF_16LE);

        List<ReadItem> items = Reading.readAll(CSV, bytes);

        assertThat(items).extracting(ReadItem::position).containsExactly(
                new RecordPosition(1, 2, 18, 32), new RecordPosition(2, 3, 32, 50));
        assertThat(((RawRecord) items.get(0)).fields().get("name").asText()).isEqualTo("Zoë");
        assertThat(((RawRecord) items.get(1)).fields().get("name").asText()).isEqualTo("Müller");
        ResumeEquivalence.assertEveryResumeMatchesFullRead(CSV, "utf16le.csv", Reading.opener(bytes));
    }

    @Test
    void utf16BigEndianWithBom() throws IOException {
        byte[] bytes = withBom(new byte[] {(byte) 0xfe, (byte) 0xff}, "id,name\n1,Zoë\n", StandardCharsets.UTF_16BE);

        List<ReadItem> items = Reading.readAll(CSV, bytes);

        assertThat(items).hasSize(1);
        assertThat(items.get(0).position()).isEqualTo(new RecordPosition(1, 2, 18, 30));
        assertThat(items.get(0).rawText()).isEqualTo("1,Zoë");
    }

    @Test
    void declaredUtf16WithoutBom() throws IOException {
        byte[] bytes = "id,name\n1,Zoë\n".getBytes(StandardCharsets.UTF_16LE);

        List<ReadItem> items = Reading.readAll(Reading.csv(',', "UTF-16LE"), bytes);

        assertThat(items.get(0).position()).isEqualTo(new RecordPosition(1, 2, 16, 28));
        assertThat(items.get(0).rawText()).isEqualTo("1,Zoë");
    }

    @Test
    void latin1BytesReadAsUtf8AreReportedNotReplacedSilently() throws IOException {
        List<ReadItem> items = Reading.readAll(CSV, "initech/orders-latin1.csv",
                Reading.opener(Reading.sample("initech/orders-latin1.csv")));

        assertThat(items).hasSize(5).allMatch(MalformedRecord.class::isInstance);
        MalformedRecord first = (MalformedRecord) items.get(0);
        // 52 header bytes, then "I-9001,M" and the Latin-1 byte of ü
        assertThat(first.reason()).isEqualTo("invalid UTF-8 at byte 60");
        assertThat(first.rawText()).startsWith("I-9001,M\uFFFDller,");
        assertThat(first.position().lineNumber()).isEqualTo(2);
    }

    @Test
    void latin1DeclaredDecodesAccents() throws IOException {
        List<ReadItem> items = Reading.readAll(Reading.csv(',', "ISO-8859-1"), "initech/orders-latin1.csv",
                Reading.opener(Reading.sample("initech/orders-latin1.csv")));

        assertThat(items).extracting(item -> ((RawRecord) item).fields().get("customer").asText())
                .containsExactly("Müller", "Françoise Lefèvre", "José Núñez", "Åsa Øberg", "Günther Straße");
    }

    @Test
    void windows1252EuroSign() throws IOException {
        byte[] bytes = "id,price\n1,€5\n".getBytes(Charset.forName("windows-1252"));

        List<ReadItem> items = Reading.readAll(Reading.csv(',', "windows-1252"), bytes);

        assertThat(((RawRecord) items.get(0)).fields().get("price").asText()).isEqualTo("€5");
        assertThat(items.get(0).position()).isEqualTo(new RecordPosition(1, 2, 9, 14));
    }

    @Test
    void multiByteLegacyCharsetIsRefused() {
        assertThatThrownBy(() -> Reading.readAll(Reading.csv(',', "Shift_JIS"), "jp.csv", Reading.opener(new byte[] {'a'})))
                .isInstanceOf(FileFormatException.class)
                .hasMessage("jp.csv: charset 'Shift_JIS' is not supported (use UTF-8, UTF-16LE/BE or a single-byte charset)");
    }

    @Test
    void unknownCharsetNamesFileAndCharset() {
        assertThatThrownBy(() -> Reading.readAll(Reading.csv(',', "klingon-8"), "k.csv", Reading.opener(new byte[] {'a'})))
                .isInstanceOf(FileFormatException.class)
                .hasMessage("k.csv: unknown charset 'klingon-8'");
    }

    private static byte[] withBom(byte[] bom, String text, Charset charset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bom);
        out.writeBytes(text.getBytes(charset));
        return out.toByteArray();
    }
}
