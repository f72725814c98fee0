package io.inlet.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.inlet.event.MappingSpec;
import io.inlet.event.MappingSpec.FieldRule;
import io.inlet.parse.RawRecord;
import io.inlet.event.PostgresValues;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a record into an {@link EventEnvelope} per a feed's {@link MappingSpec}: event type, stream
 * id, occurred_at, deterministic id, typed payload (fields in mapping order) and, where configured,
 * a JSON Schema check of the payload. Compiled once when the feeds file loads; immutable and
 * thread-safe. A record that cannot become an event throws {@link RecordRejectedException} naming
 * the field; nothing else about the record is guessed.
 */
public final class EventMapper {

    // Decimals are written as BigDecimal prints them (1E+400, 12.50): PostgreSQL reads either form,
    // and plain notation would refuse a scale beyond +-9999 (1e131071 is a valid numeric) and spell
    // out 131,072 digits.
    static final ObjectMapper JSON = JsonMapper.builder()
            .nodeFactory(FieldTyping.NODES)
            .disable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final String feedName;
    private final MappingSpec spec;
    private final StreamTemplate streamId;
    private final List<TimeFormat> occurredFormats;
    private final ZoneId zone;
    private final List<FieldTyping> fields;
    private final Map<String, List<FieldTyping>> fieldsByColumn;
    private final Map<String, String> columnByFieldName;
    private final Map<String, PayloadSchema> schemas;

    private final SchemaCatalog catalog;

    private EventMapper(String feedName, MappingSpec spec, SchemaCatalog catalog) {
        this.feedName = feedName;
        this.spec = spec;
        this.catalog = catalog;
        this.streamId = StreamTemplate.parse(spec.streamId());
        List<TimeFormat> formats = new ArrayList<>();
        for (String f : spec.occurredAt().formats()) formats.add(TimeFormat.compile(f));
        this.occurredFormats = List.copyOf(formats);
        this.zone = spec.occurredAt().zone() != null ? spec.occurredAt().zone() : ZoneOffset.UTC;
        List<FieldTyping> typed = new ArrayList<>();
        Map<String, List<FieldTyping>> byColumn = new LinkedHashMap<>();
        Map<String, String> byName = new LinkedHashMap<>();
        for (FieldRule rule : spec.payload().fields()) {
            FieldTyping t = new FieldTyping(rule, spec.decimalSeparator(), spec.groupingSeparator(), zone);
            typed.add(t);
            byColumn.computeIfAbsent(rule.from(), k -> new ArrayList<>()).add(t);
            byName.put(rule.name(), rule.from());
        }
        this.fields = List.copyOf(typed);
        this.fieldsByColumn = byColumn;
        this.columnByFieldName = byName;
        Map<String, PayloadSchema> loaded = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : spec.schemas().entrySet()) loaded.put(e.getKey(), PayloadSchema.load(e.getValue()));
        this.schemas = loaded;
    }

    /** Compiles a mapping; anything invalid in it throws IllegalArgumentException saying what. */
    public static EventMapper compile(String feedName, MappingSpec spec) {
        return new EventMapper(feedName, spec, SchemaCatalog.EMPTY);
    }

    /**
     * Compiles a mapping whose events of a type the catalog declares are stored only at a declared
     * version and checked against that version's schema.
     */
    public static EventMapper compile(String feedName, MappingSpec spec, SchemaCatalog catalog) {
        return new EventMapper(feedName, spec, catalog);
    }

    public String feedName() {
        return feedName;
    }

    public MappingSpec spec() {
        return spec;
    }

    /**
     * The record columns this mapping reads, in a stable order: the event type's column, the stream
     * id template's, occurred_at's (unless it may fall back to the ingestion time), the id's and each
     * declared payload field's. A file whose header lacks one of them is refused as a whole: every
     * record would lack the value (a vendor renamed a column).
     */
    public Set<String> mappedColumns() {
        Set<String> columns = new java.util.LinkedHashSet<>();
        if (spec.eventType().column() != null) columns.add(spec.eventType().column());
        for (String name : streamId.names()) columns.add(columnByFieldName.getOrDefault(name, name));
        if (!spec.occurredAt().fallbackToIngestionTime()) columns.add(spec.occurredAt().column());
        columns.addAll(spec.id().columns());
        if (spec.schemaVersionColumn() != null) columns.add(spec.schemaVersionColumn());
        for (FieldTyping f : fields) columns.add(f.rule().from());
        return columns;
    }

    /**
     * Maps a record read from a file. With id strategy {@code position} the context must name the
     * object ({@link RecordContext#object()}).
     */
    public EventEnvelope map(RawRecord record, RecordContext ctx) throws RecordRejectedException {
        String position = null;
        if (spec.id().strategy() == MappingSpec.IdStrategy.POSITION) {
            if (ctx.object() == null) {
                throw new IllegalStateException("feed '" + feedName + "': id strategy position needs the object of the record");
            }
            position = EventIds.objectPositionName(ctx.object(), record.position().recordNumber());
        }
        return map(record, ctx, position);
    }

    /**
     * Maps a record, using {@code positionName} as the UUIDv5 name when the id strategy is
     * {@code position} (messages: {@link EventIds#messagePositionName}).
     */
    public EventEnvelope map(RawRecord record, RecordContext ctx, String positionName) throws RecordRejectedException {
        return map(record, ctx, positionName, null);
    }

    /**
     * As {@link #map(RawRecord, RecordContext, String)}, with the schema version a message declares
     * ({@code null}: the record's {@code schema_version} column, else the mapping's fixed version).
     */
    public EventEnvelope map(RawRecord record, RecordContext ctx, String positionName, Integer declaredVersion)
            throws RecordRejectedException {
        ObjectNode in = record.fields();
        String eventType = eventType(in);
        String stream = streamId(in);
        refuse("stream_id", "stream id ", PostgresValues.indexedTextProblem(stream));
        Instant occurredAt = occurredAt(in, ctx);
        UUID id = eventId(in, positionName);
        ObjectNode payload = payload(in);
        refuseUnstorable(payload);
        int version = declaredVersion != null ? declaredVersion : schemaVersion(in);
        checkSchema(eventType, version, payload);
        long recordNumber = record.position() == null ? 0 : record.position().recordNumber();
        String source = ctx.sourceName() + "@record=" + recordNumber;
        refuse("source", "source ", PostgresValues.textProblem(source));
        refuse("correlation_id", "correlation id ", PostgresValues.textProblem(ctx.correlationId()));
        refuse("causation_id", "causation id ", PostgresValues.textProblem(ctx.causationId()));
        return new EventEnvelope(id, stream, eventType, version, occurredAt, ctx.correlationId(),
                ctx.causationId(), source, write(payload));
    }

    /**
     * Refuses a payload holding a value or key that jsonb cannot store as it stands (a NUL, an
     * unpaired surrogate, a number beyond numeric), naming its path: checked before SQL, so that the
     * record is rejected alone instead of failing its batch.
     */
    public static void refuseUnstorable(JsonNode payload) throws RecordRejectedException {
        Optional<PostgresValues.JsonProblem> problem = PostgresValues.jsonProblem("", payload);
        if (problem.isPresent()) throw new RecordRejectedException(problem.get().path(), problem.get().reason());
    }

    private static void refuse(String field, String what, String problem) throws RecordRejectedException {
        if (problem != null) throw new RecordRejectedException(field, what + problem);
    }

    /** The stream id the template gives for these fields (used for CloudEvents without a subject). */
    public String streamId(ObjectNode fields) throws RecordRejectedException {
        return streamId.render(name -> text(fields.get(columnByFieldName.getOrDefault(name, name))));
    }

    /** The record's version from the mapping's schema_version column, or the mapping's fixed version. */
    private int schemaVersion(ObjectNode in) throws RecordRejectedException {
        String column = spec.schemaVersionColumn();
        if (column == null) return spec.schemaVersion();
        String value = text(in.get(column));
        if (value == null || value.isBlank()) throw new RecordRejectedException(column, "schema version is missing");
        try {
            return DeclaredSchemaVersion.parse("schema version", value.strip());
        } catch (IllegalArgumentException e) {
            throw new RecordRejectedException(column, e.getMessage());
        }
    }

    /**
     * Checks a payload at a schema version: against that version's schema when the feeds file's
     * {@code event_types} declares the event type (an undeclared version is refused), else against
     * the mapping's schema for the event type, if any.
     */
    public void checkSchema(String eventType, int version, JsonNode payload) throws RecordRejectedException {
        if (catalog.declares(eventType)) {
            catalog.check(eventType, version, payload);
            return;
        }
        checkSchema(eventType, payload);
    }

    /** Checks a payload against the schema configured for the event type, if any. */
    public void checkSchema(String eventType, JsonNode payload) throws RecordRejectedException {
        PayloadSchema schema = schemas.get(eventType);
        if (schema == null) return;
        Optional<String> violation = schema.firstViolation(payload);
        if (violation.isPresent()) {
            throw new RecordRejectedException("payload", "violates schema of " + eventType + " ("
                    + schema.file().getFileName() + "): " + violation.get());
        }
    }

    private String eventType(ObjectNode in) throws RecordRejectedException {
        MappingSpec.EventTypeRule rule = spec.eventType();
        if (rule.fixed() != null) return rule.fixed();
        String value = text(in.get(rule.column()));
        if (value == null || value.isBlank()) throw new RecordRejectedException(rule.column(), "event type is missing");
        if (rule.values().isEmpty()) {
            refuse(rule.column(), "event type ", PostgresValues.indexedTextProblem(value));
            return value;
        }
        String type = rule.values().get(value);
        if (type == null) {
            throw new RecordRejectedException(rule.column(), "unknown event type value " + FieldTyping.quote(value)
                    + " (expected one of " + String.join(", ", rule.values().keySet()) + ")");
        }
        return type;
    }

    private Instant occurredAt(ObjectNode in, RecordContext ctx) throws RecordRejectedException {
        String column = spec.occurredAt().column();
        String value = text(in.get(column));
        if (value == null || value.isBlank()) {
            if (spec.occurredAt().fallbackToIngestionTime()) return ctx.ingestedAt();
            throw new RecordRejectedException(column, "occurred_at value is missing");
        }
        Instant instant = FieldTyping.parseInstant(value, occurredFormats, zone);
        if (instant == null) {
            throw new RecordRejectedException(column, "not a timestamp in any of the formats " + occurredFormats
                    + ": " + FieldTyping.quote(value));
        }
        refuse(column, "occurred_at ", PostgresValues.timestampProblem(instant));
        return instant;
    }

    private UUID eventId(ObjectNode in, String positionName) throws RecordRejectedException {
        MappingSpec.IdRule rule = spec.id();
        return switch (rule.strategy()) {
            case COLUMN -> {
                String column = rule.columns().get(0);
                String value = text(in.get(column));
                if (value == null || value.isBlank()) throw new RecordRejectedException(column, "event id value is missing");
                yield EventIds.of(EventIds.columnName(feedName, value));
            }
            case HASH -> {
                List<String> values = new ArrayList<>();
                boolean any = false;
                for (String column : rule.columns()) {
                    String value = text(in.get(column));
                    any |= value != null && !value.isEmpty();
                    values.add(value == null ? "" : value);
                }
                if (!any) throw new RecordRejectedException(String.join(",", rule.columns()), "every id hash column is empty");
                yield EventIds.of(EventIds.hashName(feedName, values));
            }
            case POSITION -> {
                if (positionName == null) throw new IllegalStateException("feed '" + feedName + "': no position for the id");
                yield EventIds.of(positionName);
            }
        };
    }

    private ObjectNode payload(ObjectNode in) throws RecordRejectedException {
        ObjectNode out = FieldTyping.NODES.objectNode();
        if (!spec.payload().includeAll()) {
            for (FieldTyping f : fields) out.set(f.rule().name(), f.convert(in.get(f.rule().from())));
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, JsonNode> column : in.properties()) {
            List<FieldTyping> declared = fieldsByColumn.get(column.getKey());
            if (declared == null) {
                out.set(column.getKey(), column.getValue());
                continue;
            }
            seen.add(column.getKey());
            for (FieldTyping f : declared) out.set(f.rule().name(), f.convert(column.getValue()));
        }
        for (FieldTyping f : fields) { // declared fields the record lacks
            if (!seen.contains(f.rule().from())) out.set(f.rule().name(), f.convert(null));
        }
        return out;
    }

    static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) return null;
        return node.isValueNode() ? node.asText() : node.toString();
    }

    public static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
