package io.inlet.parse;

/**
 * Where a record sits in its file.
 *
 * @param recordNumber 1-based number of the record among the file's records (header excluded)
 * @param lineNumber   1-based physical line the record starts on (a CSV field with embedded
 *                     newlines makes the next record start several lines later)
 * @param startOffset  byte offset of the record's first byte in the decompressed stream
 * @param endOffset    byte offset just past the record (and its line terminator)
 */
public record RecordPosition(long recordNumber, long lineNumber, long startOffset, long endOffset) {
}
