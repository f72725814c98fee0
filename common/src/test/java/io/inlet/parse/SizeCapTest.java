package io.inlet.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SizeCapTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void jsonLineOverTheCapIsMalformedAndTheNextLineReads() throws IOException {
        FormatSpec spec = Reading.withCap(FormatSpec.of(RecordFormats.JSON_LINES), 100);
        String huge = "{\"blob\":\"" + "x".repeat(10_000) + "\"}";
        byte[] bytes = utf8("{\"a\":1}\n" + huge + "\n{\"a\":3}\n");

        List<ReadItem> items = Reading.readAll(spec, bytes);

        assertThat(items).hasSize(3);
        MalformedRecord big = (MalformedRecord) items.get(1);
        assertThat(big.reason()).isEqualTo("record exceeds 100 bytes");
        assertThat(big.position()).isEqualTo(new RecordPosition(2, 2, 8, 8 + huge.length() + 1));
        assertThat(big.rawText()).isEqualTo(huge.substring(0, 100));
        assertThat(items.get(2)).isInstanceOf(RawRecord.class);
        assertThat(items.get(2).position().lineNumber()).isEqualTo(3);
        ResumeEquivalence.assertEveryResumeMatchesFullRead(spec, "big.jsonl", Reading.opener(bytes));
    }

    @Test
    void csvRecordWithAHugeQuotedFieldIsSkippedToTheNextRecord() throws IOException {
        FormatSpec spec = Reading.withCap(Reading.csv(',', "auto"), 200);
        String field = "line\n".repeat(1_000);
        byte[] bytes = utf8("id,note\n1,short\n2,\"" + field + "\"\n3,after\n");

        List<ReadItem> items = Reading.readAll(spec, bytes);

        assertThat(items).hasSize(3);
        assertThat(items.get(1)).isInstanceOf(MalformedRecord.class);
        assertThat(((MalformedRecord) items.get(1)).reason()).isEqualTo("record exceeds 200 bytes");
        assertThat(items.get(1).position().lineNumber()).isEqualTo(3);
        RawRecord after = (RawRecord) items.get(2);
        assertThat(after.fields().get("note").asText()).isEqualTo("after");
        assertThat(after.position().lineNumber()).isEqualTo(3 + 1_000 + 1);
        ResumeEquivalence.assertEveryResumeMatchesFullRead(spec, "big.csv", Reading.opener(bytes));
    }

    @Test
    void unterminatedQuoteRunningToTheEndOverTheCapEndsWithOneMalformedItem() throws IOException {
        FormatSpec spec = Reading.withCap(Reading.csv(',', "auto"), 200);
        byte[] bytes = utf8("id,note\n1,\"" + "x,y\n".repeat(5_000));

        List<ReadItem> items = Reading.readAll(spec, bytes);

        assertThat(items).hasSize(1);
        MalformedRecord only = (MalformedRecord) items.get(0);
        assertThat(only.reason())
                .isEqualTo("record exceeds 200 bytes (an unterminated quoted field runs to the end of the file)");
        assertThat(only.position()).isEqualTo(new RecordPosition(1, 2, 8, bytes.length));
    }

    @Test
    void jsonArrayElementOverTheCapIsSkipped() throws IOException {
        FormatSpec spec = Reading.withCap(FormatSpec.of(RecordFormats.JSON_ARRAY), 100);
        String huge = "{\"blob\":\"" + "x".repeat(200_000) + "\",\"n\":[1,2,{\"deep\":true}]}";
        byte[] bytes = utf8("[{\"a\":1},\n" + huge + ",\n{\"a\":3}]");

        List<ReadItem> items = Reading.readAll(spec, bytes);

        assertThat(items).hasSize(3);
        assertThat(items.get(1)).isEqualTo(new MalformedRecord(
                new RecordPosition(2, 2, 10, 10 + huge.length()), huge.substring(0, 100), "record exceeds 100 bytes"));
        assertThat(((RawRecord) items.get(2)).fields().get("a").asInt()).isEqualTo(3);
        assertThat(items.get(2).position().lineNumber()).isEqualTo(3);
        ResumeEquivalence.assertEveryResumeMatchesFullRead(spec, "big.json", Reading.opener(bytes));
    }

    @Test
    void headerOverTheCapFailsTheFile() {
        FormatSpec spec = Reading.withCap(Reading.csv(',', "auto"), 10);

        assertThatThrownBy(() -> Reading.readAll(spec, "wide.csv", Reading.opener(utf8("a_long_column,another\n1,2\n"))))
                .isInstanceOf(FileFormatException.class)
                .hasMessage("wide.csv: header row (line 1) exceeds 10 bytes");
    }
}
