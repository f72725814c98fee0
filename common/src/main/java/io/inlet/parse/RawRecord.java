package io.inlet.parse;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A well-formed record. CSV records have every field as a JSON string keyed by column name (typing
 * happens in the mapper); JSON records keep their JSON types.
 */
public record RawRecord(RecordPosition position, ObjectNode fields, String rawText) implements ReadItem {
}
