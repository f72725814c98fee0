package io.inlet.parse;

/** One item a {@link RecordReader} yields: a parsed record or a malformed one. Never silently dropped. */
public sealed interface ReadItem permits RawRecord, MalformedRecord {

    RecordPosition position();

    /** The record's text as it stands in the file (decoded with the file's charset). */
    String rawText();
}
