package io.inlet.parse;

/**
 * A record the reader could not parse (wrong column count, truncated JSON line, not an object,
 * over the size cap). The reason names what is wrong so it can be stored in rejected_records.
 */
public record MalformedRecord(RecordPosition position, String rawText, String reason) implements ReadItem {
}
