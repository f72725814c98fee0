package io.inlet.parse;

import java.util.List;
import java.util.Objects;

/**
 * How a feed's files are laid out: the format that reads them, its own settings, and the text
 * pipeline's options (a binary format ignores compression and charset and keeps their defaults).
 *
 * @param format         the registered format that opens the files ({@link RecordFormats})
 * @param compression    {@link Compression#AUTO} detects gzip/zstd/bzip2 from magic bytes (never the name)
 * @param charset        {@code "auto"} (BOM-detected, else UTF-8) or a Java charset name such as ISO-8859-1
 * @param settings       the format's own options ({@link CsvOptions} for CSV); {@code null} gives the
 *                       format's defaults
 * @param maxRecordBytes a record (line or JSON value) longer than this is rejected, not buffered
 */
public record FormatSpec(RecordFormat format, Compression compression, String charset, FormatSettings settings,
                         int maxRecordBytes) {

    public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;

    public enum Compression { AUTO, NONE }

    public FormatSpec {
        Objects.requireNonNull(format, "format");
        compression = compression == null ? Compression.AUTO : compression;
        charset = charset == null ? "auto" : charset;
        settings = settings == null ? format.defaultSettings() : settings;
        if (maxRecordBytes <= 0) maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
    }

    public static FormatSpec csv(CsvOptions options) {
        return new FormatSpec(RecordFormats.CSV, Compression.AUTO, "auto", options, DEFAULT_MAX_RECORD_BYTES);
    }

    /** The format with every option at its default. */
    public static FormatSpec of(RecordFormat format) {
        return new FormatSpec(format, Compression.AUTO, "auto", null, DEFAULT_MAX_RECORD_BYTES);
    }

    /** The format's name, as feeds files write it in {@code format.type}. */
    public String type() {
        return format.name();
    }

    /** CSV's options, or {@code null} for any other format. */
    public CsvOptions csv() {
        return settings instanceof CsvOptions c ? c : null;
    }

    /** @see FormatSettings#declaredColumns() */
    public List<String> declaredColumns() {
        return settings.declaredColumns();
    }

    /** @see FormatSettings#hasHeader() */
    public boolean hasHeader() {
        return settings.hasHeader();
    }

    public FormatSpec withMaxRecordBytes(int max) {
        return new FormatSpec(format, compression, charset, settings, max);
    }
}
