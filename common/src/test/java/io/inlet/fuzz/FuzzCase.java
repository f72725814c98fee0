package io.inlet.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * One structured fuzz input: which feed (format, id strategy, lanes), the file's framing, and the
 * records as a hostile class plus an argument per field. Decoded from fuzzer bytes, and encoded
 * back for seed files.
 */
record FuzzCase(FuzzFeeds.Format format, FuzzFeeds.IdKind idKind, boolean lanes, boolean bom, boolean crlf,
                List<List<Value>> records) {

    static final int MAX_RECORDS = 12;
    static final int MAX_ARG = 64;

    /** One field's value: its class, the varying argument, and (JSON only) whether a number is written bare. */
    record Value(Hostile hostile, String arg, boolean jsonNumber) {
        static Value plain(String arg) {
            return new Value(Hostile.PLAIN, arg, false);
        }

        static Value free(String text, boolean jsonNumber) {
            return new Value(Hostile.FREE_TEXT, text, jsonNumber);
        }
    }

    static FuzzCase decode(ByteChoices in) {
        FuzzFeeds.Format format = FuzzFeeds.Format.ALL[in.pick(FuzzFeeds.Format.ALL.length)];
        FuzzFeeds.IdKind idKind = FuzzFeeds.IdKind.ALL[in.pick(FuzzFeeds.IdKind.ALL.length)];
        int flags = in.pick(8);
        int n = 1 + in.pick(MAX_RECORDS);
        List<List<Value>> records = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            List<Value> values = new ArrayList<>(Field.ALL.length);
            for (int f = 0; f < Field.ALL.length; f++) {
                int c = in.pick(Hostile.ALL.length * 2);
                values.add(new Value(Hostile.ALL[c >> 1], in.string(MAX_ARG), (c & 1) == 1));
            }
            records.add(values);
        }
        return new FuzzCase(format, idKind, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, records);
    }

    byte[] encode() {
        ByteChoices.Writer w = new ByteChoices.Writer()
                .pick(format.ordinal(), FuzzFeeds.Format.ALL.length)
                .pick(idKind.ordinal(), FuzzFeeds.IdKind.ALL.length)
                .pick((lanes ? 1 : 0) | (bom ? 2 : 0) | (crlf ? 4 : 0), 8)
                .pick(records.size() - 1, MAX_RECORDS);
        for (List<Value> values : records) {
            if (values.size() != Field.ALL.length) throw new IllegalArgumentException("a record has " + Field.ALL.length + " fields");
            for (Value v : values) {
                w.pick(v.hostile().ordinal() * 2 + (v.jsonNumber() ? 1 : 0), Hostile.ALL.length * 2).string(v.arg());
            }
        }
        return w.toByteArray();
    }
}
