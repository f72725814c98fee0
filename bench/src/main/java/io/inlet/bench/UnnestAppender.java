package io.inlet.bench;

import io.inlet.event.EventEnvelope;
import io.inlet.feed.DerivedRoute;
import io.inlet.store.AppendOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * EventStore's transport (the batch bound as ten unnest arrays) with a chosen statement shape; with
 * {@link AppendSql.Shape#CTE_JOINS} it is EventStore's first statement, with SINGLE_PASS it is what
 * EventStore.append runs now.
 */
public final class UnnestAppender {

    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final AppendSql.Shape shape;

    UnnestAppender(AppendSql.Shape shape) {
        this.shape = shape;
    }

    public AppendOutcome append(Connection c, String table, List<EventEnvelope> events, List<DerivedRoute> routes)
            throws SQLException {
        if (!TABLE.matcher(table).matches()) throw new IllegalArgumentException("invalid event table name: " + table);
        if (events.isEmpty()) return new AppendOutcome(List.of());
        StreamLocks.lock(c, table, events);
        int n = events.size();
        Integer[] seq = new Integer[n], schemas = new Integer[n];
        String[] ids = new String[n], streams = new String[n], types = new String[n], occurred = new String[n],
                corr = new String[n], cause = new String[n], sources = new String[n], payloads = new String[n];
        for (int i = 0; i < n; i++) {
            EventEnvelope e = events.get(i);
            seq[i] = i;
            ids[i] = e.eventId().toString();
            streams[i] = e.streamId();
            types[i] = e.eventType();
            schemas[i] = e.schemaVersion();
            occurred[i] = e.occurredAt().toString();
            corr[i] = e.correlationId();
            cause[i] = e.causationId();
            sources[i] = e.source();
            payloads[i] = e.payloadJson();
        }
        try (PreparedStatement ps = c.prepareStatement(AppendSql.statement(shape, table, AppendSql.UNNEST_INPUT))) {
            int p = 1;
            ps.setArray(p++, c.createArrayOf("int4", seq));
            ps.setArray(p++, c.createArrayOf("text", ids));
            ps.setArray(p++, c.createArrayOf("text", streams));
            ps.setArray(p++, c.createArrayOf("text", types));
            ps.setArray(p++, c.createArrayOf("int4", schemas));
            ps.setArray(p++, c.createArrayOf("text", occurred));
            ps.setArray(p++, c.createArrayOf("text", corr));
            ps.setArray(p++, c.createArrayOf("text", cause));
            ps.setArray(p++, c.createArrayOf("text", sources));
            ps.setArray(p++, c.createArrayOf("text", payloads));
            RouteArrays.of(routes).bind(c, ps, p);
            return Classification.read(ps, shape, events);
        }
    }
}
