package io.inlet.projection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies events to a projection's table: one upsert per event of a handled type, in the order
 * given (each stream's events in version order), as one JDBC batch.
 *
 * <p>Contract: runs in the caller's transaction. The upsert is guarded by the stream version: a
 * row changes only for an event with a higher {@code stream_version} than the row's, so applying an
 * event again (a redelivery, a rebuild's catch-up, a projector re-reading after a crash) changes
 * nothing, and an older event never regresses a newer row. Values are bound as parameters and cast
 * by PostgreSQL; identifiers come from the validated declaration and are quoted. A value the
 * column's type refuses is an {@link SQLException} of class 22, naming the projection: the caller
 * decides (the append path rejects the record, a projector stops at the event).
 */
public final class ProjectionWriter {

    // exact decimals: 1.50 stays 1.50, as jsonb keeps it (the default node factory would strip the zero)
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

    private record Key(Projection projection, String table) {
    }

    private final Map<Key, String> statements = new ConcurrentHashMap<>();

    /** Applies {@code events} (any types; unhandled ones are skipped) to {@code table}, the projection's table or its shadow. */
    public int apply(Connection c, Projection p, String table, List<ProjectedEvent> events) throws SQLException {
        String sql = statements.computeIfAbsent(new Key(p, table), k -> upsert(k.projection(), k.table()));
        int n = 0;
        ProjectedEvent last = null;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (ProjectedEvent e : events) {
                List<Assignment> assignments = p.handlers().get(e.eventType());
                if (assignments == null) continue;
                bind(ps, p, e, assignments);
                ps.addBatch();
                last = e;
                n++;
            }
            if (n > 0) ps.executeBatch();
        } catch (SQLException e) {
            SQLException cause = e instanceof BatchUpdateException && e.getNextException() != null ? e.getNextException() : e;
            String which = n == 1 ? " event " + last.eventId() + " (stream " + last.streamId() + " version " + last.streamVersion() + ")"
                    : " an event of the batch";
            SQLException named = new SQLException("projection '" + p.name() + "' (table " + table + ") refused" + which + ": "
                    + cause.getMessage(), cause.getSQLState(), cause);
            throw named;
        }
        return n;
    }

    private static void bind(PreparedStatement ps, Projection p, ProjectedEvent e, List<Assignment> assignments) throws SQLException {
        JsonNode payload = null;
        int cols = p.columns().size();
        String[] values = new String[cols];
        String[] modes = new String[cols];
        java.util.Arrays.fill(modes, "k");
        for (Assignment a : assignments) {
            int i = indexOf(p, a.column());
            if (a.source() instanceof Assignment.PayloadField f) {
                if (payload == null) payload = parse(e);
                values[i] = valueAt(payload, f.path(), p.columns().get(i).type());
            } else if (a.source() instanceof Assignment.Field f) {
                String v = f.field().valueOf(e);
                values[i] = p.columns().get(i).type() == ColumnType.JSONB ? JSON.getNodeFactory().textNode(v).toString() : v;
            } else {
                values[i] = ((Assignment.Constant) a.source()).value();
            }
            modes[i] = a.op() == Assignment.Op.ADD ? "a" : "s";
        }
        int q = 1;
        ps.setString(q++, e.streamId());
        ps.setLong(q++, e.streamVersion());
        for (String v : values) ps.setString(q++, v);
        for (String m : modes) ps.setString(q++, m);
    }

    private static int indexOf(Projection p, String column) {
        List<Projection.Column> cols = p.columns();
        for (int i = 0; i < cols.size(); i++) if (cols.get(i).name().equals(column)) return i;
        throw new IllegalStateException("projection " + p.name() + " assigns undeclared column " + column);
    }

    /** A payload as the writer reads it. */
    static JsonNode payload(String json) throws JsonProcessingException {
        return JSON.readTree(json);
    }

    private static JsonNode parse(ProjectedEvent e) throws SQLException {
        try {
            return payload(e.payloadJson());
        } catch (JsonProcessingException ex) {
            // 22P02 (invalid text representation): a data error, as PostgreSQL would report it
            throw new SQLException("payload of event " + e.eventId() + " is not JSON: " + ex.getOriginalMessage(), "22P02", ex);
        }
    }

    /**
     * The text bound for the payload value at {@code path} into a column of {@code type}: null for
     * a missing or null value. For a jsonb column, the value's JSON (a string stays a JSON string);
     * for the others, as PostgreSQL's {@code ->>} gives a scalar (a string's characters, a number in
     * plain notation as jsonb prints it, true or false). A nested value fits only a jsonb column
     * (its text would depend on the key order of the original): elsewhere it is a data error.
     */
    static String valueAt(JsonNode payload, List<String> path, ColumnType type) throws SQLException {
        JsonNode n = payload;
        for (String key : path) {
            if (n == null || !n.isObject()) return null;
            n = n.get(key);
        }
        if (n == null || n.isNull()) return null;
        if (type == ColumnType.JSONB) return n.toString();
        if (n.isContainerNode()) {
            throw new SQLException("payload field " + String.join(".", path) + " holds " + (n.isArray() ? "an array" : "an object")
                    + "; only a jsonb column takes a nested value", "22023");
        }
        if (n.isTextual()) return n.textValue();
        if (n.isBigDecimal() || n.isFloatingPointNumber()) return n.decimalValue().toPlainString();
        if (n.isNumber()) return n.bigIntegerValue().toString();
        return Boolean.toString(n.booleanValue());
    }

    /** The upsert of one event; identifiers are validated ({@link ProjectionsSection}) and quoted. */
    static String upsert(Projection p, String table) {
        StringBuilder cols = new StringBuilder("\"stream_id\", \"stream_version\"");
        StringBuilder vals = new StringBuilder("?, ?");
        StringBuilder sets = new StringBuilder("\"stream_version\" = EXCLUDED.\"stream_version\"");
        for (Projection.Column c : p.columns()) {
            String col = quote(c.name());
            cols.append(", ").append(col);
            vals.append(", CAST(? AS ").append(c.type().sql()).append(')');
        }
        for (Projection.Column c : p.columns()) {
            String col = quote(c.name());
            sets.append(",\n    ").append(col).append(" = CASE ? WHEN 's' THEN EXCLUDED.").append(col);
            if (c.type().additive()) {
                sets.append(" WHEN 'a' THEN coalesce(p.").append(col).append(", 0) + coalesce(EXCLUDED.").append(col).append(", 0)");
            }
            sets.append(" ELSE p.").append(col).append(" END");
        }
        return "INSERT INTO " + quote(table) + " AS p (" + cols + ", \"updated_at\")\nVALUES (" + vals + ", now())\n"
                + "ON CONFLICT (\"stream_id\") DO UPDATE SET\n    " + sets + ",\n    \"updated_at\" = now()\n"
                + "WHERE p.\"stream_version\" < EXCLUDED.\"stream_version\"";
    }

    static String quote(String identifier) {
        if (!ProjectionsSection.COLUMN.matcher(identifier).matches()) {
            throw new IllegalArgumentException("not a plain identifier: " + identifier);
        }
        return '"' + identifier + '"';
    }
}
