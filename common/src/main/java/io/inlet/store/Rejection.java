package io.inlet.store;

import java.util.UUID;

/**
 * A record that did not become an event, as stored in {@code rejected_records}.
 *
 * @param recordNumber 1-based record number in its file or message
 * @param lineNumber   physical line it starts on (files), or null
 * @param kind         MALFORMED (unparseable), INVALID (mapping/schema), CONFLICT (id taken by other payload)
 * @param field        the field at fault, or null when the record as a whole is
 * @param reason       what is wrong, naming the field
 * @param rawText      the record as it stands in the source
 * @param eventId      the event id it would have had (CONFLICT), else null
 */
public record Rejection(long recordNumber, Long lineNumber, Kind kind, String field, String reason, String rawText,
                        UUID eventId) {

    public enum Kind { MALFORMED, INVALID, CONFLICT }
}
