package io.inlet.bench;

import io.inlet.event.EventEnvelope;
import io.inlet.feed.DerivedRoute;
import io.inlet.store.AppendOutcome;
import io.inlet.store.AppendRaceException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;

/**
 * The alternative append path measured against {@link io.inlet.store.EventStore}: the batch is
 * streamed with {@code COPY ... FROM STDIN} into a per-connection temporary staging table, then the
 * same set-based statement as EventStore's (classify appended/duplicate/conflict, insert new rows
 * with gapless stream versions, move stream heads, write outbox rows) reads from that table instead
 * of from {@code unnest} arrays. Same contract as EventStore: runs in the caller's transaction, locks
 * stream heads in stream id order, throws {@link AppendRaceException} when a concurrent writer won.
 */
public final class CopyStagingAppender {

    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    // ON COMMIT DELETE ROWS empties it at every commit; the statement below also deletes what it
    // reads, so two appends in one transaction never see each other's rows. IF NOT EXISTS makes it
    // created once per connection (a later call is a catalog lookup) and survives a rolled-back
    // first transaction, which would have dropped a table created inside it.
    private static final String STAGING = """
            CREATE TEMP TABLE IF NOT EXISTS inlet_append_staging (
                seq int NOT NULL, event_id uuid NOT NULL, stream_id text NOT NULL, event_type text NOT NULL,
                schema_version int NOT NULL, occurred_at timestamptz NOT NULL, correlation_id text,
                causation_id text, source text NOT NULL, payload jsonb NOT NULL
            ) ON COMMIT DELETE ROWS""";

    private static final String COPY = """
            COPY pg_temp.inlet_append_staging (seq, event_id, stream_id, event_type, schema_version, occurred_at,
                                               correlation_id, causation_id, source, payload) FROM STDIN""";

    private final AppendSql.Shape shape;

    /** With EventStore's statement as it is. */
    public CopyStagingAppender() {
        this(AppendSql.Shape.CTE_JOINS);
    }

    CopyStagingAppender(AppendSql.Shape shape) {
        this.shape = shape;
    }

    /** Appends {@code events} to {@code table}, routing new ones through {@code routes}; as EventStore.append. */
    public AppendOutcome append(Connection c, String table, List<EventEnvelope> events, List<DerivedRoute> routes)
            throws SQLException {
        if (!TABLE.matcher(table).matches()) throw new IllegalArgumentException("invalid event table name: " + table);
        if (events.isEmpty()) return new AppendOutcome(List.of());
        StreamLocks.lock(c, table, events);
        stage(c, events);
        try (PreparedStatement ps = c.prepareStatement(AppendSql.statement(shape, table, AppendSql.STAGING_INPUT))) {
            RouteArrays.of(routes).bind(c, ps, 1);
            return Classification.read(ps, shape, events);
        }
    }

    private static void stage(Connection c, List<EventEnvelope> events) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(STAGING);
        }
        CopyText rows = new CopyText(events.size() * 400);
        for (int i = 0; i < events.size(); i++) {
            EventEnvelope e = events.get(i);
            rows.column(i).column(e.eventId().toString()).column(e.streamId()).column(e.eventType())
                    .column(e.schemaVersion()).column(e.occurredAt().toString()).column(e.correlationId())
                    .column(e.causationId()).column(e.source()).column(e.payloadJson()).endRow();
        }
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY, new ByteArrayInputStream(rows.utf8()));
        } catch (IOException e) {
            throw new SQLException("cannot stream the batch to the staging table: " + e.getMessage(), e);
        }
    }
}
