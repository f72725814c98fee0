package io.inlet.fuzz;

import io.inlet.fuzz.FuzzCase.Value;
import io.inlet.fuzz.FuzzFeeds.Format;
import io.inlet.fuzz.FuzzFeeds.IdKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the seed corpus of the whole-path fuzzers: the defect cases of issue 12 (items 1, 2 and 9)
 * and a clean file per format, as the inputs the fuzz tests replay in every build. Run from the
 * repository root after changing {@link FuzzCase} or {@link FieldRendering} (their encoding changes
 * what old seeds mean):
 * <pre>
 *   ./mvnw -B -q -o -pl common test-compile &amp;&amp; java -cp "common/target/test-classes:common/target/classes:$(cat cp.txt)" io.inlet.fuzz.WholePathSeeds
 * </pre>
 * (docs/fuzzing.md shows how to get {@code cp.txt}).
 */
final class WholePathSeeds {

    static final Path RESOURCES = Path.of("common/src/test/resources/io/inlet/fuzz");

    private WholePathSeeds() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = RESOURCES.resolve("WholePathFuzzTestInputs/hostileFilesKeepThePromise");
        Files.createDirectories(dir);
        for (Map.Entry<String, FuzzCase> e : structuredSeeds().entrySet()) {
            byte[] encoded = e.getValue().encode();
            byte[] seed = new byte[encoded.length + 1];
            seed[0] = WholePathFuzzTest.STRUCTURED;
            System.arraycopy(encoded, 0, seed, 1, encoded.length);
            Files.write(dir.resolve(e.getKey()), seed);
        }
        for (Map.Entry<String, byte[]> e : byteSeeds().entrySet()) Files.write(dir.resolve("raw-" + e.getKey()), e.getValue());
    }

    static Map<String, FuzzCase> structuredSeeds() {
        Map<String, FuzzCase> seeds = new LinkedHashMap<>();
        for (Format f : Format.values()) {
            for (IdKind id : IdKind.values()) seeds.put("clean-" + name(f) + "-" + name(id), file(f, id, clean(1), clean(2), clean(3)));
        }
        // issue 12 item 1: poison records (each followed by a clean record that must still load)
        seeds.put("i12-1-nul-raw-in-note-csv", poison(Format.CSV, IdKind.COLUMN, Field.NOTE, new Value(Hostile.NUL_RAW, "n", false)));
        seeds.put("i12-1-nul-escaped-in-note-jsonl", poison(Format.JSONL, IdKind.COLUMN, Field.NOTE, new Value(Hostile.NUL_ESCAPED, "n", false)));
        seeds.put("i12-1-nul-escaped-in-stream-json-array", poison(Format.JSON_ARRAY, IdKind.HASH, Field.STREAM, new Value(Hostile.NUL_ESCAPED, "s", false)));
        seeds.put("i12-1-nul-raw-in-id-csv", poison(Format.CSV, IdKind.COLUMN, Field.ID, new Value(Hostile.NUL_RAW, "i", false)));
        seeds.put("i12-1-nul-escaped-in-type-jsonl", poison(Format.JSONL, IdKind.POSITION, Field.TYPE, new Value(Hostile.NUL_ESCAPED, "t", false)));
        seeds.put("i12-1-occurred-at-year-300000-csv", poison(Format.CSV, IdKind.COLUMN, Field.AT, Value.free("+300000-01-01T00:00:00Z", false)));
        seeds.put("i12-1-occurred-at-epoch-millis-9300000000000000-jsonl", poison(Format.JSONL, IdKind.COLUMN, Field.AT, Value.free("9300000000000000", true)));
        seeds.put("i12-1-stream-id-3000-letters-csv", poison(Format.CSV, IdKind.POSITION, Field.STREAM, new Value(Hostile.LONG_3000, "s", false)));
        seeds.put("i12-1-event-type-3000-letters-json-array", poison(Format.JSON_ARRAY, IdKind.COLUMN, Field.TYPE, new Value(Hostile.LONG_3000, "t", false)));
        seeds.put("i12-1-decimal-1e400-jsonl", poison(Format.JSONL, IdKind.COLUMN, Field.AMOUNT, Value.free("1e400", true)));
        // issue 12 item 2: silent changes to numbers
        seeds.put("i12-2-decimal-1e400-json-array", poison(Format.JSON_ARRAY, IdKind.HASH, Field.AMOUNT, Value.free("1e400", true)));
        seeds.put("i12-2-decimal-long-digits-jsonl", poison(Format.JSONL, IdKind.COLUMN, Field.AMOUNT, Value.free("12345678901234567890.123456789", true)));
        seeds.put("i12-2-decimal-minus-1e-minus-400-jsonl", poison(Format.JSONL, IdKind.COLUMN, Field.AMOUNT, Value.free("-1e-400", true)));
        seeds.put("i12-2-decimal-40-digits-csv", poison(Format.CSV, IdKind.COLUMN, Field.AMOUNT, Value.free("1234567890123456789012345678901234567890.5", false)));
        seeds.put("i12-2-decimal-trailing-zero-json-number-jsonl", poison(Format.JSONL, IdKind.COLUMN, Field.AMOUNT, Value.free("1234.50", true)));
        seeds.put("invalid-utf8-in-json-array-loses-the-rest", file(Format.JSON_ARRAY, IdKind.COLUMN, clean(1),
                withValue(clean(2), Field.NOTE, new Value(Hostile.INVALID_UTF8, "x", false)), clean(3)));
        seeds.put("i12-2-decimal-1e400-csv", poison(Format.CSV, IdKind.COLUMN, Field.AMOUNT, Value.free("1e400", false)));
        seeds.put("i12-2-integer-40-digits-jsonl", poison(Format.JSONL, IdKind.COLUMN, Field.QTY, Value.free("1234567890123456789012345678901234567890", true)));
        // more hostile classes the issue names
        seeds.put("lone-surrogate-in-note-jsonl", poison(Format.JSONL, IdKind.COLUMN, Field.NOTE, new Value(Hostile.LONE_SURROGATE, "x", false)));
        seeds.put("invalid-utf8-in-note-csv", poison(Format.CSV, IdKind.COLUMN, Field.NOTE, new Value(Hostile.INVALID_UTF8, "x", false)));
        seeds.put("csv-specials-and-controls-csv", poison(Format.CSV, IdKind.HASH, Field.NOTE, new Value(Hostile.CSV_SPECIAL, "x", false)));
        seeds.put("nul-raw-in-json-array-loses-the-rest", file(Format.JSON_ARRAY, IdKind.COLUMN, clean(1), clean(2), clean(3),
                clean(4), clean(5), withValue(clean(6), Field.NOTE, new Value(Hostile.NUL_RAW, "n", false)), clean(7), clean(8)));
        seeds.put("timestamp-nanos-occurred-at-jsonl", poison(Format.JSONL, IdKind.COLUMN, Field.AT, new Value(Hostile.TIME_NANOS, "x", false)));
        List<Value> dup = clean(1);
        dup.set(Field.NOTE.ordinal(), Value.free("other", false));
        seeds.put("duplicate-id-other-payload-csv", file(Format.CSV, IdKind.COLUMN, clean(1), clean(1), dup, clean(2)));
        seeds.put("bom-crlf-csv", new FuzzCase(Format.CSV, IdKind.COLUMN, false, true, true, List.of(clean(1), clean(2))));
        seeds.put("two-lanes-json-array", new FuzzCase(Format.JSON_ARRAY, IdKind.POSITION, true, false, false,
                List.of(clean(1), clean(2), clean(3), clean(4), clean(5), clean(6))));
        return seeds;
    }

    static Map<String, byte[]> byteSeeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        // first four bytes: raw mode, format, id strategy, lanes; then the file
        seeds.put("i12-9-empty-csv", new byte[] {WholePathFuzzTest.RAW, 0, 0, 0});
        seeds.put("i12-9-empty-jsonl", new byte[] {WholePathFuzzTest.RAW, 1, 0, 0});
        seeds.put("i12-9-empty-json-array", new byte[] {WholePathFuzzTest.RAW, 2, 0, 0});
        seeds.put("i12-9-header-only-csv", withPrefix(0, "id,type,stream,at,amount,qty,seen,note\n"));
        seeds.put("i12-9-renamed-column-csv", withPrefix(0, "id,type,stream,occurred,amount,qty,seen,note\n1,T,s,2026-01-01T00:00:00Z,1,2,,n\n"));
        seeds.put("i12-1-nul-escaped-jsonl", withPrefix(1, "{\"id\":\"1\",\"type\":\"T\",\"stream\":\"s\\u0000\",\"at\":\"2026-01-01T00:00:00Z\"}\n"
                + "{\"id\":\"2\",\"type\":\"T\",\"stream\":\"s\",\"at\":\"2026-01-01T00:00:00Z\"}\n"));
        seeds.put("i12-1-decimal-1e400-json-array", withPrefix(2, "[{\"id\":\"1\",\"type\":\"T\",\"stream\":\"s\",\"at\":\"2026-01-01T00:00:00Z\",\"amount\":1e400}]"));
        return seeds;
    }

    private static byte[] withPrefix(int format, String text) {
        byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] out = new byte[body.length + 4];
        out[0] = WholePathFuzzTest.RAW;
        out[1] = (byte) format;
        System.arraycopy(body, 0, out, 4, body.length);
        return out;
    }

    private static List<Value> withValue(List<Value> values, Field field, Value v) {
        values.set(field.ordinal(), v);
        return values;
    }

    /** A file whose first record carries {@code v} in {@code field}, and a clean second record. */
    private static FuzzCase poison(Format format, IdKind id, Field field, Value v) {
        List<Value> bad = clean(1);
        bad.set(field.ordinal(), v);
        return file(format, id, bad, clean(2));
    }

    @SafeVarargs
    private static FuzzCase file(Format format, IdKind id, List<Value>... records) {
        return new FuzzCase(format, id, false, false, false, List.of(records));
    }

    private static List<Value> clean(int n) {
        List<Value> values = new ArrayList<>();
        for (Field f : Field.values()) values.add(Value.plain(f.column + n));
        return values;
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase().replace('_', '-');
    }
}
