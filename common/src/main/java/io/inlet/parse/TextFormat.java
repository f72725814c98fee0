package io.inlet.parse;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A text format: what CSV, JSON Lines and a JSON array share, so each differs only in how it cuts
 * records. The pipeline, the same for all: undo compression (detected from magic bytes, never the
 * name), settle the charset (BOM-aware), skip the BOM, note an empty file, then let the format read
 * from the start or from a {@link ResumePoint} through a {@link TextInput}. The options every text
 * format takes ({@code charset}, {@code compression}, {@code max_record_bytes}) are read here;
 * a format adds its own through {@link #ownKeys} and {@link #settings}. Sealed: a new text format
 * lives here beside the framer it needs; a binary format implements {@link RecordFormat} anywhere.
 *
 * <p>Resuming: compression and BOM are always detected from the start of the file. An uncompressed
 * file is then reopened at the resume offset (a ranged read); a compressed one is decompressed from
 * the start and the bytes before the offset are skipped. Either way the items read are exactly
 * those a full read yields from that point.
 */
public abstract sealed class TextFormat implements RecordFormat permits CsvFormat, JsonLinesFormat, JsonArrayFormat {

    /** The options of the shared pipeline. */
    public static final Set<String> PIPELINE_KEYS = Set.of("charset", "compression", "max_record_bytes");

    private final String name;

    TextFormat(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Set<String> optionKeys() {
        Set<String> keys = new LinkedHashSet<>(PIPELINE_KEYS);
        keys.addAll(ownKeys());
        return Set.copyOf(keys);
    }

    /** The options only this format takes. */
    Set<String> ownKeys() {
        return Set.of();
    }

    /** Reads this format's own options (the pipeline's are read by {@link #spec}). */
    FormatSettings settings(FormatOptions options) {
        return defaultSettings();
    }

    /** Reads this format's records from the decoded text, at {@code at} (already checked against the BOM). */
    abstract RecordReader read(TextInput input, ResumePoint at) throws IOException;

    @Override
    public final FormatSpec spec(FormatOptions options) {
        FormatSettings settings = settings(options);
        String charset = options.text("charset", "auto");
        if (!"auto".equals(charset)) {
            boolean supported;
            try {
                supported = Charset.isSupported(charset);
            } catch (IllegalArgumentException e) {
                supported = false;
            }
            if (!supported) throw options.error("charset", "unknown charset '" + charset + "'");
        }
        String compressionName = options.text("compression", "auto");
        FormatSpec.Compression compression = switch (compressionName) {
            case "auto" -> FormatSpec.Compression.AUTO;
            case "none" -> FormatSpec.Compression.NONE;
            default -> throw options.error("compression", "expected auto or none, found '" + compressionName + "'");
        };
        int maxRecordBytes = (int) options.integer("max_record_bytes", FormatSpec.DEFAULT_MAX_RECORD_BYTES, 16, 1 << 30);
        return new FormatSpec(this, compression, charset, settings, maxRecordBytes);
    }

    @Override
    public final RecordReader open(FormatSpec spec, String fileName, StreamOpener opener, ResumePoint from)
            throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(opener, "opener");
        ResumePoint at = from == null ? ResumePoint.START : from;
        InputStream raw = opener.open(0);
        Closeable toClose = raw;
        try {
            Decompression.Decompressed decompressed = Decompression.open(raw, spec.compression(), fileName);
            BufferedInputStream head = decompressed.stream();
            TextEncoding encoding = TextEncoding.detect(head, spec.charset(), fileName);
            head.skipNBytes(encoding.bomLength());
            head.mark(1);
            boolean empty = head.read() < 0;
            head.reset();
            if (!at.isStart() && at.byteOffset() < encoding.bomLength()) {
                throw new IllegalArgumentException(fileName + ": resume offset " + at.byteOffset()
                        + " lies inside the byte-order mark");
            }
            RecordReader reader = read(new TextInput(spec, fileName, opener, head, decompressed.compressed(), encoding), at);
            toClose = null;
            return empty ? new EmptyFile(reader) : reader;
        } finally {
            if (toClose != null) toClose.close();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
