package io.inlet.parse;

import java.util.Objects;

/**
 * How a feed's files are laid out: the record format, compression and character set.
 *
 * @param kind           CSV, JSON Lines or a JSON array of objects
 * @param compression    {@link Compression#AUTO} detects gzip/zstd/bzip2 from magic bytes (never the name)
 * @param charset        {@code "auto"} (BOM-detected, else UTF-8) or a Java charset name such as ISO-8859-1
 * @param csv            CSV options; {@code null} for the JSON formats
 * @param maxRecordBytes a record (line or JSON value) longer than this is rejected, not buffered
 */
public record FormatSpec(Kind kind, Compression compression, String charset, CsvOptions csv, int maxRecordBytes) {

    public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;

    public enum Kind { CSV, JSON_LINES, JSON_ARRAY }

    public enum Compression { AUTO, NONE }

    public FormatSpec {
        Objects.requireNonNull(kind, "kind");
        compression = compression == null ? Compression.AUTO : compression;
        charset = charset == null ? "auto" : charset;
        if (kind == Kind.CSV && csv == null) csv = CsvOptions.DEFAULTS;
        if (maxRecordBytes <= 0) maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
    }

    public static FormatSpec csv(CsvOptions options) {
        return new FormatSpec(Kind.CSV, Compression.AUTO, "auto", options, DEFAULT_MAX_RECORD_BYTES);
    }

    public static FormatSpec of(Kind kind) {
        return new FormatSpec(kind, Compression.AUTO, "auto", null, DEFAULT_MAX_RECORD_BYTES);
    }
}
