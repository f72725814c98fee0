package io.inlet.event;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a record becomes an event, as declared under {@code mapping:} in the feeds file (see
 * docs/feeds.md). Plain values; {@link io.inlet.event.EventMapper#compile} turns it into a mapper.
 *
 * @param eventType          fixed type or a column (optionally translated by a value table)
 * @param streamId           template over columns, e.g. {@code order-{order_id}}
 * @param occurredAt         where business time comes from
 * @param id                 how the deterministic event id is made
 * @param decimalSeparator   {@code '.'} or {@code ','} for decimal fields read from text
 * @param groupingSeparator  thousands separator allowed in decimal text ({@code null} = none)
 * @param payload            which fields the payload holds and their types
 * @param schemaVersion      version of the payload schema written with every event
 * @param schemas            JSON Schema file per event type (absolute paths), validated against the payload
 * @param schemaVersionColumn the record column that declares each record's schema version (null: the
 *                            fixed {@code schemaVersion}); a value that is not a whole number from 1
 *                            rejects the record
 */
public record MappingSpec(EventTypeRule eventType, String streamId, OccurredAtRule occurredAt, IdRule id,
                          char decimalSeparator, Character groupingSeparator, PayloadRule payload,
                          int schemaVersion, Map<String, Path> schemas, String schemaVersionColumn) {

    public MappingSpec(EventTypeRule eventType, String streamId, OccurredAtRule occurredAt, IdRule id,
                       char decimalSeparator, Character groupingSeparator, PayloadRule payload,
                       int schemaVersion, Map<String, Path> schemas) {
        this(eventType, streamId, occurredAt, id, decimalSeparator, groupingSeparator, payload, schemaVersion, schemas, null);
    }

    public MappingSpec {
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(id, "id");
        payload = payload == null ? PayloadRule.ALL : payload;
        schemas = schemas == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(schemas));
        if (schemaVersion <= 0) schemaVersion = 1;
    }

    /**
     * The event type: {@code fixed}, or the value of {@code column}, translated through {@code values}
     * when that is non-empty (a value missing from the table rejects the record).
     */
    public record EventTypeRule(String fixed, String column, Map<String, String> values) {

        public EventTypeRule {
            if ((fixed == null) == (column == null)) {
                throw new IllegalArgumentException("exactly one of fixed and column must be given");
            }
            values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        public static EventTypeRule fixed(String type) {
            return new EventTypeRule(type, null, Map.of());
        }

        public static EventTypeRule fromColumn(String column, Map<String, String> values) {
            return new EventTypeRule(null, column, values);
        }
    }

    /**
     * Business time: the first of {@code formats} that parses the column's value wins.
     *
     * @param formats                  {@code iso}, {@code epoch_millis}, {@code epoch_seconds} or a
     *                                 java.time pattern
     * @param zone                     applied to patterns without an offset ({@code null} = UTC)
     * @param fallbackToIngestionTime  a missing/empty value uses the ingestion time instead of rejecting
     */
    public record OccurredAtRule(String column, List<String> formats, ZoneId zone, boolean fallbackToIngestionTime) {

        public OccurredAtRule {
            Objects.requireNonNull(column, "column");
            formats = formats == null || formats.isEmpty() ? List.of("iso") : List.copyOf(formats);
        }
    }

    public enum IdStrategy {
        /** The vendor's own id column. */
        COLUMN,
        /** A hash of chosen columns. */
        HASH,
        /** Object identity plus record number (files) or message id plus index (messages). */
        POSITION
    }

    /** @param columns one column for COLUMN, one or more for HASH, none for POSITION */
    public record IdRule(IdStrategy strategy, List<String> columns) {

        public IdRule {
            Objects.requireNonNull(strategy, "strategy");
            columns = columns == null ? List.of() : List.copyOf(columns);
        }

        public static IdRule column(String column) {
            return new IdRule(IdStrategy.COLUMN, List.of(column));
        }

        public static IdRule hash(List<String> columns) {
            return new IdRule(IdStrategy.HASH, columns);
        }

        public static IdRule position() {
            return new IdRule(IdStrategy.POSITION, List.of());
        }
    }

    /**
     * @param includeAll every record field goes into the payload (typed by {@code fields} where given,
     *                   else as read); otherwise only {@code fields}
     * @param fields     declared payload fields, in payload order
     */
    public record PayloadRule(boolean includeAll, List<FieldRule> fields) {

        public static final PayloadRule ALL = new PayloadRule(true, List.of());

        public PayloadRule {
            fields = fields == null ? List.of() : List.copyOf(fields);
        }
    }

    public enum FieldType { STRING, INTEGER, DECIMAL, BOOLEAN, DATE, TIMESTAMP, JSON }

    /**
     * One payload field.
     *
     * @param name     name in the payload
     * @param from     record column or JSON field it is read from (usually the same as name)
     * @param type     how a text value is typed
     * @param required an absent, null or empty value rejects the record
     * @param formats  for DATE and TIMESTAMP: accepted formats (empty = ISO)
     * @param zone     for TIMESTAMP patterns without an offset ({@code null} = the occurred_at zone, else UTC)
     */
    public record FieldRule(String name, String from, FieldType type, boolean required, List<String> formats,
                            ZoneId zone) {

        public FieldRule {
            Objects.requireNonNull(name, "name");
            from = from == null ? name : from;
            type = type == null ? FieldType.STRING : type;
            formats = formats == null ? List.of() : List.copyOf(formats);
        }
    }
}
