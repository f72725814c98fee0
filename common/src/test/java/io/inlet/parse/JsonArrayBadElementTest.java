package io.inlet.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * One bad element of a JSON array costs one malformed record, as one bad line does in JSON Lines:
 * the elements after it are still read, with exact positions, and a resumed read agrees.
 */
class JsonArrayBadElementTest {

    private static final FormatSpec ARRAY = FormatSpec.of(RecordFormats.JSON_ARRAY);

    /** Stands for bytes that are not valid in the file's encoding (replaced when encoding). */
    private static final char BAD_BYTES = '\uE000';

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> outcome(List<ReadItem> items) {
        return items.stream().map(i -> i instanceof RawRecord r ? "ok " + r.rawText() : "bad " + i.rawText()).toList();
    }

    @Test
    void rawNulInsideAnElementCostsThatElementOnly() throws IOException {
        byte[] bytes = utf8("[{\"a\":1},\n{\"a\":\"x\u0000y\"},\n{\"a\":3},\n{\"a\":4}]\n");

        List<ReadItem> items = Reading.readAll(ARRAY, bytes);

        assertThat(outcome(items)).containsExactly("ok {\"a\":1}", "bad {\"a\":\"x\u0000y\"}", "ok {\"a\":3}", "ok {\"a\":4}");
        assertThat(((MalformedRecord) items.get(1)).reason()).startsWith("invalid JSON: ");
        assertThat(items.get(2).position()).isEqualTo(new RecordPosition(3, 3, 23, 30));
        ResumeEquivalence.assertEveryResumeMatchesFullRead(ARRAY, "nul.json", Reading.opener(bytes));
    }

    @Test
    void invalidUtf8InsideAnElementCostsThatElementOnly() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8("[{\"a\":\"x"));
        out.write(0xc3);
        out.writeBytes(utf8("\"},{\"a\":2}]"));

        List<ReadItem> items = Reading.readAll(ARRAY, out.toByteArray());

        assertThat(items).hasSize(2);
        assertThat(((MalformedRecord) items.get(0)).reason()).isEqualTo("invalid UTF-8 at byte 8");
        assertThat(outcome(items).get(1)).isEqualTo("ok {\"a\":2}");
    }

    @Test
    void syntaxErrorInsideAnElementCostsThatElementOnly() throws IOException {
        byte[] bytes = utf8("[{\"a\":1,,\"b\":2}, {\"a\":\"]}\"} ,{\"a\" 1}, {\"c\":3}}, {\"d\":4}]");

        List<ReadItem> items = Reading.readAll(ARRAY, bytes);

        assertThat(outcome(items)).containsExactly("bad {\"a\":1,,\"b\":2}", "ok {\"a\":\"]}\"}", "bad {\"a\" 1}",
                "bad {\"c\":3}}", "ok {\"d\":4}");
        ResumeEquivalence.assertEveryResumeMatchesFullRead(ARRAY, "syntax.json", Reading.opener(bytes));
    }

    @Test
    void elementMissingItsClosingBraceEndsAtTheNextElement() throws IOException {
        byte[] bytes = utf8("[{\"a\":{\"b\":1},\n {\"c\":[1,2}, {\"d\":4}, {\"e\":5]");

        List<ReadItem> items = Reading.readAll(ARRAY, bytes);

        assertThat(outcome(items)).containsExactly("bad {\"a\":{\"b\":1}", "bad {\"c\":[1,2}", "ok {\"d\":4}", "bad {\"e\":5]");
        ResumeEquivalence.assertEveryResumeMatchesFullRead(ARRAY, "nesting.json", Reading.opener(bytes));
    }

    @Test
    void missingCommaJoinsTwoElementsIntoOneMalformedRecord() throws IOException {
        List<ReadItem> items = Reading.readAll(ARRAY, utf8("[{\"a\":1} {\"b\":2}, {\"c\":3}]"));

        assertThat(outcome(items)).containsExactly("bad {\"a\":1} {\"b\":2}", "ok {\"c\":3}");
    }

    @Test
    void emptySlotsHoldNoRecord() throws IOException {
        List<ReadItem> items = Reading.readAll(ARRAY, utf8("[ , {\"a\":1},, {\"b\":2} ,]"));

        assertThat(outcome(items)).containsExactly("ok {\"a\":1}", "ok {\"b\":2}");
        assertThat(items).extracting(i -> i.position().recordNumber()).containsExactly(1L, 2L);
    }

    @Test
    void contentAfterTheClosingBracketIsOneMalformedRecord() throws IOException {
        byte[] bytes = utf8("[{\"a\":1}]\n[{\"b\":2}]\n");

        List<ReadItem> items = Reading.readAll(ARRAY, bytes);

        assertThat(items).hasSize(2);
        MalformedRecord after = (MalformedRecord) items.get(1);
        assertThat(after.position()).isEqualTo(new RecordPosition(2, 2, 10, bytes.length));
        assertThat(after.rawText()).isEqualTo("[{\"b\":2}]\n");
        assertThat(after.reason()).contains("after the array's closing ']'");
        ResumeEquivalence.assertEveryResumeMatchesFullRead(ARRAY, "two.json", Reading.opener(bytes));
    }

    @Test
    void unterminatedStringRunsToTheEndAsOneTail() throws IOException {
        byte[] bytes = utf8("[{\"a\":1}, {\"a\":\"open}, {\"b\":2}]");

        List<ReadItem> items = Reading.readAll(ARRAY, bytes);

        assertThat(items).hasSize(2);
        MalformedRecord tail = (MalformedRecord) items.get(1);
        assertThat(tail.position()).isEqualTo(new RecordPosition(2, 1, 10, bytes.length));
        assertThat(tail.reason()).isEqualTo(
                "truncated or invalid JSON array, the rest of the file cannot be read: end of file inside a string");
        ResumeEquivalence.assertEveryResumeMatchesFullRead(ARRAY, "open.json", Reading.opener(bytes));
    }

    @Test
    void deeplyNestedElementIsMalformedAndTheNextOneReads() throws IOException {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        List<ReadItem> items = Reading.readAll(ARRAY, utf8("[{\"deep\":" + deep + "}, {\"ok\":2}]"));

        assertThat(items).hasSize(2);
        assertThat(((MalformedRecord) items.get(0)).reason()).containsIgnoringCase("nesting");
        assertThat(items.get(1)).isInstanceOf(RawRecord.class);
    }

    @Test
    void garbageBeforeTheArrayIsNotAnArray() {
        assertThatThrownBy(() -> Reading.readAll(ARRAY, "v/x.json", Reading.opener(utf8(" \u0000[{\"a\":1}]"))))
                .isInstanceOf(FileFormatException.class)
                .hasMessageStartingWith("v/x.json: expected a JSON array but found ");
    }

    /**
     * Search: arrays of valid and corrupted objects (raw control characters in strings, bytes
     * invalid in the encoding, syntax errors inside the element, truncated nesting), in UTF-8 and
     * UTF-16: every valid element is a record with its exact text and position, every corrupted
     * one exactly one malformed record starting where it starts, every element over the size cap
     * one "record exceeds" with its exact extent, nothing else; and a read resumed
     * from any checkpoint yields the rest of the full read. A longer search:
     * {@code -Dinlet.jsonArraySearch.seeds=100000}.
     */
    @Test
    void eachCorruptedElementCostsExactlyOneMalformedRecord() throws IOException {
        long seeds = Long.getLong("inlet.jsonArraySearch.seeds", 400);
        for (long seed = 1; seed <= seeds; seed++) {
            Random random = new Random(seed);
            Layout layout = Layout.draw(random);
            GeneratedArray array = GeneratedArray.draw(random, layout);
            String label = "seed " + seed + " " + layout + "\n" + array.describe();

            List<ReadItem> items = Reading.readAll(layout.spec(), array.bytes());

            assertThat(items).as(label).hasSize(array.elements().size());
            for (int i = 0; i < items.size(); i++) {
                Element expected = array.elements().get(i);
                ReadItem item = items.get(i);
                assertThat(item.position().recordNumber()).as(label).isEqualTo(i + 1);
                assertThat(item.position().startOffset()).as(label + " element " + (i + 1)).isEqualTo(expected.start());
                assertThat(item.position().lineNumber()).as(label + " element " + (i + 1)).isEqualTo(expected.line());
                if (expected.corruption() == null && expected.end() - expected.start() > layout.maxRecordBytes()) {
                    assertThat(item).as(label + " element " + (i + 1)).isInstanceOfSatisfying(MalformedRecord.class,
                            m -> assertThat(m.reason()).isEqualTo(RecordItems.exceeds(layout.maxRecordBytes())));
                    assertThat(item.position().endOffset()).as(label).isEqualTo(expected.end());
                } else if (expected.corruption() == null) {
                    assertThat(item).as(label + " element " + (i + 1)).isInstanceOf(RawRecord.class);
                    assertThat(item.rawText()).as(label).isEqualTo(expected.text());
                    assertThat(item.position().endOffset()).as(label).isEqualTo(expected.end());
                    assertThat(((RawRecord) item).fields().get("id").asText()).isEqualTo("e" + (i + 1));
                } else {
                    assertThat(item).as(label + " element " + (i + 1)).isInstanceOf(MalformedRecord.class);
                }
            }
            ResumeEquivalence.assertEveryResumeMatchesFullRead(layout.spec(), "search.json",
                    Reading.opener(array.bytes()));
        }
    }

    /**
     * Search: the same arrays with random bytes changed, inserted or deleted (quotes, brackets and
     * commas among them, so strings and nesting break too): the reader never fails other than with
     * a {@link FileFormatException}, its items follow each other in the file without overlapping,
     * and a read resumed from any checkpoint yields the rest of the full read.
     */
    @Test
    void anyDamageKeepsItemsInOrderAndResumable() throws IOException {
        byte[] structural = utf8("{}[]\",\\ \n:0a");
        long seeds = Long.getLong("inlet.jsonArraySearch.seeds", 400);
        for (long seed = 1; seed <= seeds; seed++) {
            Random random = new Random(seed);
            Layout layout = Layout.draw(random);
            byte[] bytes = GeneratedArray.draw(random, layout).bytes().clone();
            ByteArrayOutputStream damaged = new ByteArrayOutputStream();
            int edits = 1 + random.nextInt(4);
            for (int i = 0; i < bytes.length; i++) {
                if (random.nextInt(Math.max(1, bytes.length / edits)) != 0) {
                    damaged.write(bytes[i]);
                    continue;
                }
                int b = random.nextBoolean() ? structural[random.nextInt(structural.length)] : random.nextInt(256);
                switch (random.nextInt(3)) {
                    case 0 -> damaged.write(b);
                    case 1 -> {
                        damaged.write(b);
                        damaged.write(bytes[i]);
                    }
                    default -> { } // deleted
                }
            }
            byte[] file = damaged.toByteArray();
            String label = "seed " + seed + " " + layout;
            List<ReadItem> items;
            try {
                items = Reading.readAll(layout.spec(), file);
            } catch (FileFormatException notAnArray) {
                continue;
            }
            long previousEnd = 0;
            for (ReadItem item : items) {
                RecordPosition at = item.position();
                assertThat(at.startOffset()).as(label).isGreaterThanOrEqualTo(previousEnd);
                assertThat(at.endOffset()).as(label).isGreaterThanOrEqualTo(at.startOffset()).isLessThanOrEqualTo(file.length);
                previousEnd = at.endOffset();
            }
            ResumeEquivalence.assertEveryResumeMatchesFullRead(layout.spec(), "damaged.json", Reading.opener(file));
        }
    }

    private enum Corruption {
        RAW_CONTROL, INVALID_BYTES, SYNTAX, TRUNCATED_NESTING;

        String apply(String element, Random random) {
            return switch (this) {
                case RAW_CONTROL -> element.replace("\"s\":\"", "\"s\":\"" + (char) random.nextInt(0x20));
                case INVALID_BYTES -> element.replace("\"s\":\"", "\"s\":\"" + BAD_BYTES);
                case SYNTAX -> switch (random.nextInt(7)) {
                    case 0 -> element.replace(",\"n\"", ",,\"n\"");
                    case 1 -> element.replace("\"n\":", "\"n\" ");
                    case 2 -> element.replace(",\"n\"", " \"n\"");
                    case 3 -> element.replace("\"n\":", "n:");
                    case 4 -> element.replace("true", "tru");
                    case 5 -> element + "}";
                    default -> element.replace("\"n\":", "\"n\":0");
                };
                case TRUNCATED_NESTING -> switch (random.nextInt(3)) {
                    case 0 -> element.replace("3]", "3");
                    case 1 -> element.replace("\"v\"}", "\"v\"");
                    default -> element.substring(0, element.length() - 1);
                };
            };
        }
    }

    /** How the file is written and read; {@code maxRecordBytes} small enough at times to cut elements. */
    private record Layout(Charset charset, boolean bom, boolean declared, int maxRecordBytes) {

        static Layout draw(Random random) {
            Charset[] charsets = {StandardCharsets.UTF_8, StandardCharsets.UTF_8, StandardCharsets.UTF_16LE,
                    StandardCharsets.UTF_16BE};
            Charset charset = charsets[random.nextInt(charsets.length)];
            boolean utf16 = charset != StandardCharsets.UTF_8;
            boolean bom = random.nextBoolean();
            int[] caps = {FormatSpec.DEFAULT_MAX_RECORD_BYTES, FormatSpec.DEFAULT_MAX_RECORD_BYTES, 100, 150, 250};
            return new Layout(charset, bom, utf16 && !bom, caps[random.nextInt(caps.length)]);
        }

        FormatSpec spec() {
            return new FormatSpec(RecordFormats.JSON_ARRAY, FormatSpec.Compression.AUTO,
                    declared ? charset.name() : "auto", null, maxRecordBytes);
        }

        byte[] bomBytes() {
            if (!bom) return new byte[0];
            if (charset == StandardCharsets.UTF_8) return new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
            return charset == StandardCharsets.UTF_16LE ? new byte[] {(byte) 0xff, (byte) 0xfe}
                    : new byte[] {(byte) 0xfe, (byte) 0xff};
        }

        /** Encodes text, writing bytes invalid in this encoding for {@link #BAD_BYTES}. */
        byte[] encode(String text, Random random) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int from = 0;
            for (int at = text.indexOf(BAD_BYTES); at >= 0; at = text.indexOf(BAD_BYTES, from)) {
                out.writeBytes(text.substring(from, at).getBytes(charset));
                out.writeBytes(badBytes(random));
                from = at + 1;
            }
            out.writeBytes(text.substring(from).getBytes(charset));
            return out.toByteArray();
        }

        private byte[] badBytes(Random random) {
            if (charset == StandardCharsets.UTF_8) {
                byte[][] bad = {{(byte) 0x80}, {(byte) 0xc3}, {(byte) 0xff}, {(byte) 0xfe, (byte) 0xfe},
                        {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf8, (byte) 0x88, (byte) 0x80}};
                return bad[random.nextInt(bad.length)];
            }
            // a lone high surrogate
            return charset == StandardCharsets.UTF_16LE ? new byte[] {0x00, (byte) 0xd8} : new byte[] {(byte) 0xd8, 0x00};
        }
    }

    /** An element as written: its text, byte extent and line; corrupted ones name how. */
    private record Element(String text, long start, long end, long line, Corruption corruption) {
    }

    private record GeneratedArray(byte[] bytes, List<Element> elements) {

        private static final String[] BLANKS = {"", " ", "\n", "\r\n", "\t", "\n  "};
        private static final String[] TEXTS = {"plain", "with, comma", "brackets ]}[{", "quote \\\" and \\\\",
                "caf\u00e9 \u4e2d\u6587 \ud83d\ude00", "escaped \\u0041 \\n", ""};

        static GeneratedArray draw(Random random, Layout layout) {
            int n = random.nextInt(9);
            List<Element> elements = new ArrayList<>();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long[] lines = {1};
            IntFunction<String> blank = i -> BLANKS[random.nextInt(BLANKS.length)];
            out.writeBytes(layout.bomBytes());
            write(out, layout, blank.apply(0) + "[" + blank.apply(0), lines, random);
            for (int i = 1; i <= n; i++) {
                String text = "{\"id\":\"e" + i + "\",\"n\":" + random.nextInt(1000) + ",\"s\":\""
                        + TEXTS[random.nextInt(TEXTS.length)] + "\",\"list\":[1,2,3],\"obj\":{\"k\":\"v\"},"
                        + (random.nextBoolean() ? " " : "") + "\"b\":true}";
                Corruption corruption = random.nextInt(3) == 0
                        ? Corruption.values()[random.nextInt(Corruption.values().length)] : null;
                if (corruption != null) text = corruption.apply(text, random);
                long start = out.size();
                long line = lines[0];
                write(out, layout, text, lines, random);
                elements.add(new Element(text, start, out.size(), line, corruption));
                write(out, layout, blank.apply(0) + (i < n ? "," + blank.apply(0) : ""), lines, random);
            }
            write(out, layout, "]" + blank.apply(0), lines, random);
            return new GeneratedArray(out.toByteArray(), elements);
        }

        private static void write(ByteArrayOutputStream out, Layout layout, String text, long[] lines, Random random) {
            out.writeBytes(layout.encode(text, random));
            lines[0] += text.chars().filter(c -> c == '\n').count();
        }

        String describe() {
            StringBuilder text = new StringBuilder();
            for (Element e : elements) text.append(e.corruption() == null ? "  ok  " : "  " + e.corruption() + " ")
                    .append(e.text().replace(BAD_BYTES, '#')).append('\n');
            return text.toString();
        }
    }
}
