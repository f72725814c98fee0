package io.inlet.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {

    private static final FormatSpec CSV = Reading.csv(',', "auto");

    private static FormatSpec csv(CsvOptions options) {
        return FormatSpec.csv(options);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void quotedCrlfInsideAFieldMovesTheNextRecordDownALine() throws IOException {
        byte[] bytes = utf8("id,note\r\n1,\"a\r\nb\"\r\n2,c\r\n");

        List<ReadItem> items = Reading.readAll(CSV, bytes);

        assertThat(items).extracting(ReadItem::position).containsExactly(
                new RecordPosition(1, 2, 9, 19), new RecordPosition(2, 4, 19, 24));
        assertThat(((RawRecord) items.get(0)).fields().get("note").asText()).isEqualTo("a\r\nb");
        assertThat(items.get(0).rawText()).isEqualTo("1,\"a\r\nb\"");
    }

    @Test
    void quotedSampleKeepsDelimitersDoubledQuotesAndNewlines() throws IOException {
        List<ReadItem> items = Reading.readAll(CSV, "acme/orders-quoted.csv",
                Reading.opener(Reading.sample("acme/orders-quoted.csv")));

        assertThat(items).hasSize(7).allMatch(RawRecord.class::isInstance);
        assertThat(((RawRecord) items.get(1)).fields().get("customer").asText()).isEqualTo("The \"Best\" Shop");
        assertThat(((RawRecord) items.get(3)).fields().get("note").asText()).isEqualTo("windows line\r\nbreak inside");
        assertThat(((RawRecord) items.get(5)).fields().get("customer").asText()).isEqualTo("O'Brien, \"Pat\"");
        assertThat(((RawRecord) items.get(5)).fields().get("note").asText()).isEqualTo("comma, quote \" and\nnewline");
        assertThat(items.get(6).rawText()).isEqualTo("A-2007,Last Customer,1.00,EUR,2026-11-20T11:00:00Z,PAID,no newline at end");
    }

    @Test
    void headerThatDiffersFromDeclaredColumnsNamesFileAndColumn() {
        CsvOptions options = new CsvOptions(',', '"', null, true,
                List.of("order_id", "customer", "amt", "currency", "ordered_at", "status"), false, true);

        assertThatThrownBy(() -> Reading.readAll(csv(options), "acme/orders-bom-crlf.csv",
                Reading.opener(Reading.sample("acme/orders-bom-crlf.csv"))))
                .isInstanceOf(FileFormatException.class)
                .hasMessage("acme/orders-bom-crlf.csv: header row (line 1): column 3 is 'amount' but the feed declares 'amt'");
    }

    @Test
    void headerWithAMissingColumnNamesIt() {
        CsvOptions options = new CsvOptions(',', '"', null, true, List.of("id", "name", "extra"), false, true);

        assertThatThrownBy(() -> Reading.readAll(csv(options), "x.csv", Reading.opener(utf8("id,name\n1,a\n"))))
                .isInstanceOf(FileFormatException.class)
                .hasMessage("x.csv: header row (line 1): column 3 is missing but the feed declares 'extra'");
    }

    @Test
    void repeatedHeaderColumnIsRefused() {
        assertThatThrownBy(() -> Reading.readAll(CSV, "x.csv", Reading.opener(utf8("\nid,name,id\n1,a,2\n"))))
                .isInstanceOf(FileFormatException.class)
                .hasMessage("x.csv: header row (line 2): column 3 'id' repeats column 1");
    }

    @Test
    void declaredColumnsWithoutHeaderRow() throws IOException {
        CsvOptions options = new CsvOptions('|', '"', null, false, List.of("id", "name"), false, true);

        List<ReadItem> items = Reading.readAll(csv(options), utf8("1|a\n2|b\n"));

        assertThat(items).extracting(ReadItem::position).containsExactly(
                new RecordPosition(1, 1, 0, 4), new RecordPosition(2, 2, 4, 8));
        assertThat(((RawRecord) items.get(1)).fields().toString()).isEqualTo("{\"id\":\"2\",\"name\":\"b\"}");
        ResumeEquivalence.assertEveryResumeMatchesFullRead(csv(options), "headerless.csv", Reading.opener(utf8("1|a\n2|b\n")));
    }

    @Test
    void noHeaderAndNoColumnsIsRefused() {
        CsvOptions options = new CsvOptions(',', '"', null, false, List.of(), false, true);

        assertThatThrownBy(() -> Reading.readAll(csv(options), "x.csv", Reading.opener(utf8("1,a\n"))))
                .isInstanceOf(FileFormatException.class)
                .hasMessage("x.csv: a CSV feed without a header row needs declared columns");
    }

    @Test
    void escapeCharacterEscapesQuotesAndDelimiters() throws IOException {
        CsvOptions options = new CsvOptions(',', '"', '\\', true, List.of(), false, true);
        byte[] bytes = utf8("id,text\n1,\"say \\\"hi\\\"\"\n2,a\\,b\n");

        List<ReadItem> items = Reading.readAll(csv(options), bytes);

        assertThat(items).extracting(item -> ((RawRecord) item).fields().get("text").asText())
                .containsExactly("say \"hi\"", "a,b");
    }

    @Test
    void trimRemovesSpacesAroundFields() throws IOException {
        CsvOptions options = new CsvOptions(',', '"', null, true, List.of(), true, true);

        List<ReadItem> items = Reading.readAll(csv(options), utf8(" id , name \n 1 ,  \"a, b\"  \n"));

        assertThat(((RawRecord) items.get(0)).fields().toString()).isEqualTo("{\"id\":\"1\",\"name\":\"a, b\"}");
    }

    @Test
    void unterminatedQuoteAtEndOfFileEndsWithOneMalformedItem() throws IOException {
        byte[] bytes = utf8("id,note\n1,ok\n2,\"never closed\n3,x\n");

        List<ReadItem> items = Reading.readAll(CSV, bytes);

        assertThat(items).hasSize(2);
        MalformedRecord last = (MalformedRecord) items.get(1);
        assertThat(last.reason()).isEqualTo("unterminated quoted field: the file ends inside quotes");
        assertThat(last.position()).isEqualTo(new RecordPosition(2, 3, 13, bytes.length));
        assertThat(last.rawText()).isEqualTo("2,\"never closed\n3,x\n");
    }

    @Test
    void keptEmptyLinesAreRecordsWithTheWrongFieldCount() throws IOException {
        CsvOptions options = new CsvOptions(',', '"', null, true, List.of(), false, false);

        List<ReadItem> items = Reading.readAll(csv(options), utf8("id,name\n1,a\n\n2,b\n"));

        assertThat(items).hasSize(3);
        assertThat(items.get(1)).isEqualTo(new MalformedRecord(new RecordPosition(2, 3, 12, 13), "",
                "expected 2 fields, found 1"));
    }

    @Test
    void textAfterAClosingQuoteIsMalformedAndReadingGoesOn() throws IOException {
        List<ReadItem> items = Reading.readAll(CSV, utf8("id,name\n1,\"a\"b\n2,c\n"));

        assertThat(items).hasSize(2);
        MalformedRecord bad = (MalformedRecord) items.get(0);
        assertThat(bad.position().lineNumber()).isEqualTo(2);
        assertThat(bad.reason()).isEqualTo("invalid CSV: invalid character between the closing quote and the delimiter");
        assertThat(items.get(1)).isInstanceOf(RawRecord.class);
    }

    @Test
    void malformedSampleRowsNameExpectedAndActualFieldCounts() throws IOException {
        List<ReadItem> items = Reading.readAll(CSV, "acme/orders-malformed.csv",
                Reading.opener(Reading.sample("acme/orders-malformed.csv")));

        assertThat(items).filteredOn(MalformedRecord.class::isInstance)
                .extracting(item -> item.position().lineNumber() + ": " + ((MalformedRecord) item).reason())
                .containsExactly(
                        "3: expected 6 fields, found 5",
                        "5: expected 6 fields, found 8",
                        "9: expected 6 fields, found 1",
                        "10: invalid CSV: invalid character between the closing quote and the delimiter");
    }
}
