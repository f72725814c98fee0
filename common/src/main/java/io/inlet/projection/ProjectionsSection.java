package io.inlet.projection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the {@code projections:} section of a feeds file (docs/feeds.md, "Projections"), strictly:
 * unknown keys, undeclared columns, a type a constant does not fit, an identifier that is not a
 * plain one, each fail at start-up with the file, the line, the projection and the field. Checks
 * against the feeds (the source is an event table, the table is nobody else's) are the feeds
 * file's, which knows them.
 */
public final class ProjectionsSection {

    /** A plain identifier, short enough to take the rebuild's {@value ProjectionTables#SHADOW_SUFFIX} suffix. */
    public static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,47}");
    static final Pattern COLUMN = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    static final Pattern EVENT_TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,199}");
    static final Pattern FIELD_KEY = Pattern.compile("[^.\\p{Cntrl}]{1,200}");

    private static final Set<String> KEYS = Set.of("name", "table", "events", "mode", "columns", "on");
    private static final Set<String> ASSIGNMENT_KEYS = Set.of("field", "event", "value", "op");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String origin;
    private final YamlLines lines;

    private ProjectionsSection(String origin, YamlLines lines) {
        this.origin = origin;
        this.lines = lines;
    }

    /**
     * The projections declared under {@code projections} (a node of the document {@code yaml});
     * empty when absent.
     *
     * @throws ProjectionConfigException naming file, line, projection and field
     */
    public static List<Projection> read(String origin, String yaml, JsonNode section) {
        if (section == null || section.isNull() || section.isMissingNode()) return List.of();
        ProjectionsSection reader = new ProjectionsSection(origin, YamlLines.of(yaml));
        if (!section.isArray()) throw reader.error("projections", null, "expected a list of projections");
        List<Projection> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> tables = new HashSet<>();
        for (int i = 0; i < section.size(); i++) {
            Projection p = reader.projection(section.get(i), "projections[" + i + "]", i);
            if (!names.add(p.name())) throw reader.error("projections[" + i + "].name", p.name(), "duplicate projection name '" + p.name() + "'");
            if (!tables.add(p.table())) {
                throw reader.error("projections[" + i + "].table", p.name(), "table '" + p.table() + "' is already another projection's");
            }
            out.add(p);
        }
        return out;
    }

    private Projection projection(JsonNode node, String at, int index) {
        String owner = "projection #" + (index + 1);
        if (node == null || !node.isObject()) throw error(at, null, owner + ": expected a mapping (name: ..., table: ..., ...)");
        String name = text(node, at, "name", null);
        if (!TABLE.matcher(name).matches()) {
            throw error(at + ".name", null, owner + ": invalid name '" + name + "' (a plain identifier: [a-z_][a-z0-9_]{0,47})");
        }
        requireKeys(node, at, name, KEYS);
        String table = node.has("table") ? text(node, at, "table", name) : name;
        if (!TABLE.matcher(table).matches()) {
            throw error(at + ".table", name, "invalid table name '" + table + "' (a plain identifier: [a-z_][a-z0-9_]{0,47}, "
                    + "leaving room for the rebuild's shadow table)");
        }
        if (table.startsWith("pg_")) throw error(at + ".table", name, "'" + table + "' starts with pg_, reserved for PostgreSQL's catalogs");
        String source = text(node, at, "events", name);
        if (!EVENT_TABLE.matcher(source).matches()) {
            throw error(at + ".events", name, "invalid event table name '" + source + "' (a plain identifier: [a-z_][a-z0-9_]{0,62})");
        }
        String modeText = text(node, at, "mode", name);
        ProjectionMode mode = switch (modeText) {
            case "inline" -> ProjectionMode.INLINE;
            case "async" -> ProjectionMode.ASYNC;
            default -> throw error(at + ".mode", name, "expected inline or async, found '" + modeText + "'");
        };
        Map<String, ColumnType> columns = columns(node.get("columns"), at + ".columns", name);
        Map<String, List<Assignment>> handlers = handlers(node.get("on"), at + ".on", name, columns);
        List<Projection.Column> cols = new ArrayList<>();
        columns.forEach((c, t) -> cols.add(new Projection.Column(c, t)));
        return new Projection(name, table, source, mode, cols, handlers,
                origin + ": line " + lines.lineOf(at) + ": projection '" + name + "'");
    }

    private Map<String, ColumnType> columns(JsonNode node, String at, String name) {
        if (node == null || node.isNull()) throw error(at, name, "is required (column: type, ...; types " + ColumnType.names() + ")");
        if (!node.isObject() || node.isEmpty()) throw error(at, name, "expected a mapping of at least one column: type");
        Map<String, ColumnType> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String col = e.getKey();
            String colAt = YamlLines.child(at, col);
            if (!COLUMN.matcher(col).matches()) throw error(colAt, name, "invalid column name '" + col + "' (a plain identifier: [a-z_][a-z0-9_]{0,62})");
            if (Projection.OWN_COLUMNS.contains(col)) {
                throw error(colAt, name, "'" + col + "' is a column every projection table has (" + String.join(", ", new TreeSet<>(Projection.OWN_COLUMNS)) + ")");
            }
            if (!e.getValue().isTextual()) throw error(colAt, name, "expected a type (" + ColumnType.names() + ")");
            ColumnType type = ColumnType.of(e.getValue().textValue())
                    .orElseThrow(() -> error(colAt, name, "unknown type '" + e.getValue().textValue() + "' (expected " + ColumnType.names() + ")"));
            out.put(col, type);
        }
        return out;
    }

    private Map<String, List<Assignment>> handlers(JsonNode node, String at, String name, Map<String, ColumnType> columns) {
        if (node == null || node.isNull()) throw error(at, name, "is required (EventType: {column: {field: ...}}, ...)");
        if (!node.isObject() || node.isEmpty()) throw error(at, name, "expected a mapping of at least one event type");
        Map<String, List<Assignment>> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String type = e.getKey();
            String typeAt = YamlLines.child(at, type);
            if (!EVENT_TYPE.matcher(type).matches()) throw error(typeAt, name, "invalid event type '" + type + "'");
            JsonNode sets = e.getValue();
            if (sets == null || !sets.isObject() || sets.isEmpty()) {
                throw error(typeAt, name, "expected a mapping of at least one column: {field: ... | event: ... | value: ...}");
            }
            List<Assignment> assignments = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> cs = sets.fields(); cs.hasNext(); ) {
                Map.Entry<String, JsonNode> c = cs.next();
                String colAt = YamlLines.child(typeAt, c.getKey());
                ColumnType colType = columns.get(c.getKey());
                if (colType == null) {
                    throw error(colAt, name, "column '" + c.getKey() + "' is not declared under columns (" + String.join(", ", columns.keySet()) + ")");
                }
                assignments.add(assignment(c.getKey(), colType, c.getValue(), colAt, name));
            }
            out.put(type, List.copyOf(assignments));
        }
        return out;
    }

    private Assignment assignment(String column, ColumnType type, JsonNode node, String at, String name) {
        if (node == null || !node.isObject()) throw error(at, name, "expected {field: PATH} | {event: FIELD} | {value: CONSTANT}, with op: set | add");
        requireKeys(node, at, name, ASSIGNMENT_KEYS);
        List<String> given = Arrays.stream(new String[]{"field", "event", "value"}).filter(node::has).toList();
        if (given.size() != 1) throw error(at, name, "give exactly one of field, event or value (found " + (given.isEmpty() ? "none" : String.join(", ", given)) + ")");
        String opText = node.has("op") ? text(node, at, "op", name) : "set";
        Assignment.Op op = switch (opText) {
            case "set" -> Assignment.Op.SET;
            case "add" -> Assignment.Op.ADD;
            default -> throw error(at + ".op", name, "expected set or add, found '" + opText + "'");
        };
        if (op == Assignment.Op.ADD && !type.additive()) {
            throw error(at + ".op", name, "add applies to bigint and numeric columns; '" + column + "' is " + type.sql());
        }
        Assignment.Source source = switch (given.get(0)) {
            case "field" -> {
                String path = text(node, at, "field", name);
                List<String> keys = List.of(path.split("\\.", -1));
                for (String k : keys) {
                    if (!FIELD_KEY.matcher(k).matches()) {
                        throw error(at + ".field", name, "invalid payload field path '" + path + "' (keys separated by '.', none empty)");
                    }
                }
                yield new Assignment.PayloadField(keys);
            }
            case "event" -> {
                String f = text(node, at, "event", name);
                EventField field = EventField.of(f)
                        .orElseThrow(() -> error(at + ".event", name, "unknown event field '" + f + "' (expected " + EventField.names() + ")"));
                yield new Assignment.Field(field);
            }
            default -> {
                JsonNode v = node.get("value");
                if (v.isNull() && op == Assignment.Op.ADD) throw error(at + ".value", name, "add needs a number, found null");
                String text = v.isNull() ? null : v.isContainerNode() ? v.toString() : v.asText();
                if (text != null) checkConstant(type, text, at + ".value", name);
                yield new Assignment.Constant(text);
            }
        };
        return new Assignment(column, source, op);
    }

    /** A constant is checked against its column's type now, so it cannot fail an append later. */
    private void checkConstant(ColumnType type, String text, String at, String name) {
        try {
            switch (type) {
                case BIGINT -> Long.parseLong(text);
                case NUMERIC -> new BigDecimal(text);
                case BOOLEAN -> {
                    if (!text.equals("true") && !text.equals("false")) throw new IllegalArgumentException("not true or false");
                }
                case DATE -> LocalDate.parse(text);
                case TIMESTAMPTZ -> OffsetDateTime.parse(text);
                case JSONB -> JSON.readTree(text);
                case TEXT -> { }
            }
        } catch (Exception e) {
            throw error(at, name, "'" + text + "' is not a " + type.sql() + " value (" + e.getMessage() + ")");
        }
    }

    private void requireKeys(JsonNode node, String at, String name, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw error(YamlLines.child(at, key), name, "unknown key '" + key + "' (expected one of: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    private String text(JsonNode node, String at, String key, String name) {
        JsonNode v = node.get(key);
        String keyAt = YamlLines.child(at, key);
        if (v == null || v.isNull()) throw error(keyAt, name, "is required");
        if (!v.isValueNode()) throw error(keyAt, name, "expected a text value");
        return v.asText();
    }

    private ProjectionConfigException error(String at, String name, String message) {
        String field = at.replaceFirst("^projections\\[\\d+]\\.?", "");
        StringBuilder s = new StringBuilder(origin).append(": line ").append(lines.lineOf(at)).append(": ");
        if (name != null) s.append("projection '").append(name).append("': ");
        if (!field.isEmpty()) s.append(field).append(": ");
        return new ProjectionConfigException(s.append(message).toString());
    }
}
