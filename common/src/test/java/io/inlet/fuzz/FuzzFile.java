package io.inlet.fuzz;

import io.inlet.fuzz.FieldRendering.Rendered;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A {@link FuzzCase} written out: the file's bytes and, per record, its rendered fields. */
record FuzzFile(FuzzCase fuzzCase, byte[] bytes, List<List<Rendered>> records) {

    static FuzzFile of(FuzzCase c) {
        List<List<Rendered>> records = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (List<FuzzCase.Value> values : c.records()) {
            List<Rendered> fields = new ArrayList<>();
            for (Field f : Field.ALL) fields.add(FieldRendering.render(values.get(f.ordinal()), f, c.idKind(), ids));
            ids.add(fields.get(Field.ID.ordinal()).text());
            records.add(fields);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (c.bom()) out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        String eol = c.crlf() ? "\r\n" : "\n";
        switch (c.format()) {
            case CSV -> {
                List<String> header = new ArrayList<>();
                for (Field f : Field.ALL) header.add(f.column);
                ascii(out, String.join(",", header) + eol);
                for (List<Rendered> r : records) {
                    for (int i = 0; i < r.size(); i++) {
                        if (i > 0) ascii(out, ",");
                        Rendered v = r.get(i);
                        if (v.text().isEmpty()) continue;
                        ascii(out, "\"");
                        text(out, v.text().replace("\"", "\"\""), v.invalidBytes());
                        ascii(out, "\"");
                    }
                    ascii(out, eol);
                }
            }
            case JSONL -> {
                for (List<Rendered> r : records) {
                    json(out, r);
                    ascii(out, eol);
                }
            }
            case JSON_ARRAY -> {
                ascii(out, "[" + eol);
                for (int i = 0; i < records.size(); i++) {
                    if (i > 0) ascii(out, "," + eol);
                    json(out, records.get(i));
                }
                ascii(out, eol + "]" + eol);
            }
        }
        return new FuzzFile(c, out.toByteArray(), records);
    }

    private static void json(ByteArrayOutputStream out, List<Rendered> fields) {
        ascii(out, "{");
        for (int i = 0; i < fields.size(); i++) {
            Rendered v = fields.get(i);
            if (i > 0) ascii(out, ", ");
            ascii(out, "\"" + v.field().column + "\": ");
            if (v.jsonNumber()) {
                ascii(out, v.text());
                continue;
            }
            ascii(out, "\"");
            StringBuilder escaped = new StringBuilder();
            String t = v.text();
            for (int k = 0; k < t.length(); k++) {
                char ch = t.charAt(k);
                if (ch == '"' || ch == '\\') {
                    escaped.append('\\').append(ch);
                } else if (ch == 0 && v.rawNulInJson()) {
                    escaped.append(ch);
                } else if (Character.isHighSurrogate(ch) && k + 1 < t.length() && Character.isLowSurrogate(t.charAt(k + 1))) {
                    escaped.append(ch).append(t.charAt(++k));
                } else if (ch < 0x20 || Character.isSurrogate(ch)) {
                    escaped.append(String.format("\\u%04x", (int) ch));
                } else {
                    escaped.append(ch);
                }
            }
            text(out, escaped.toString(), v.invalidBytes());
            ascii(out, "\"");
        }
        ascii(out, "}");
    }

    /**
     * UTF-8 of {@code s}, except: {@link FieldRendering#NOT_UTF8} becomes {@code invalid}, and an
     * unpaired surrogate its three CESU-8 bytes (not UTF-8). Surrogate pairs are encoded normally.
     */
    private static void text(ByteArrayOutputStream out, String s, byte[] invalid) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == FieldRendering.NOT_UTF8) {
                out.writeBytes(invalid);
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.writeBytes(s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8));
                i++;
            } else if (Character.isSurrogate(c)) {
                out.write(0xE0 | (c >> 12));
                out.write(0x80 | ((c >> 6) & 0x3F));
                out.write(0x80 | (c & 0x3F));
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
