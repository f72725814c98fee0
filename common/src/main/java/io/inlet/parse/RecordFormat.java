package io.inlet.parse;

import java.io.IOException;
import java.util.Set;

/**
 * One file format, known by the name a feed gives as {@code format.type} (e.g. {@code csv}) and
 * resolved through {@link RecordFormats}, as cloudevents' {@code EventFormatProvider} resolves an
 * event format by its content type.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #spec} reads the format's own options from the feed's {@code format:} mapping and
 *       validates them when the feeds file is loaded; a wrong option is thrown as
 *       {@link FormatOptions#error}, which names the file, the feed and the option. Keys not in
 *       {@link #optionKeys} never reach it: the feeds file refuses them first.</li>
 *   <li>{@link #open} returns a reader positioned at {@code from}: {@link ResumePoint#START} or a
 *       checkpoint an earlier reader of the same format reported for the same file. The items read
 *       from a checkpoint are exactly those a full read yields after it. A file unreadable in this
 *       format throws {@link FileFormatException} (permanent); a failing source throws
 *       {@link IOException} (transient).</li>
 *   <li>The resume token is the format's own. {@link ResumePoint#nextRecordNumber()} is shared by
 *       every format (the ledger counts records with it); {@link ResumePoint#nextLineNumber()} and
 *       {@link ResumePoint#byteOffset()} are two coordinates whose meaning the format owns: the text
 *       formats store the physical line and the decompressed byte offset, a columnar format would
 *       store e.g. its row group and the row within it. The ledger stores them as given and hands
 *       them back unchanged, so stored checkpoints of the text formats keep their meaning.</li>
 * </ul>
 * The text formats ({@code csv}, {@code jsonl}, {@code json_array}) extend {@link TextFormat},
 * which owns compression, charset and framing; a binary format implements this interface directly.
 */
public interface RecordFormat {

    /** The name feeds files give in {@code format.type}: lower case, unique in a registry. */
    String name();

    /** The keys this format accepts in the {@code format:} mapping, besides {@code type}. */
    Set<String> optionKeys();

    /** Reads and validates the feed's options; errors come from {@link FormatOptions#error}. */
    FormatSpec spec(FormatOptions options);

    /** The settings a spec built in code gets when it names none (e.g. CSV's defaults). */
    default FormatSettings defaultSettings() {
        return FormatSettings.NONE;
    }

    /**
     * Opens a reader of one file.
     *
     * @param spec     a spec of this format (from {@link #spec} or built in code)
     * @param fileName names the file in every error message
     * @param opener   opens the file's raw bytes from a byte offset (a ranged read)
     * @param from     {@link ResumePoint#START} or a checkpoint of an earlier reader of this file
     */
    RecordReader open(FormatSpec spec, String fileName, StreamOpener opener, ResumePoint from) throws IOException;
}
