package io.inlet.projection;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One projection as {@code inlet projection status} shows it: its state in this database and its
 * lag (events of its types not yet applied, and the age of the oldest; always 0 for inline).
 */
public record ProjectionStatus(String name, ProjectionMode mode, String table, String source, State state, long eventsBehind,
                               long oldestAgeSeconds, long appliedEvents, Instant lastRunAt, Instant rebuiltAt, String lastError) {

    public enum State {
        /** Built from the declared definition; inline ones are current by construction. */
        CURRENT,
        /** Declared but not built (or retired) in this database: {@code inlet projection rebuild NAME} (or {@code inlet migrate}). */
        NOT_BUILT,
        /** Built from another definition: its rows do not follow the declaration until rebuilt. */
        DEFINITION_CHANGED,
        /** The async projector stopped at an event whose value the table refused (see lastError). */
        FAILED
    }

    /** The status of each of {@code projections}. */
    public static List<ProjectionStatus> of(Connection c, Projections projections, CommittedEvents reader) throws SQLException {
        List<ProjectionStatus> out = new ArrayList<>();
        for (Projection p : projections.all()) {
            Optional<ProjectionTables.CatalogRow> row = ProjectionTables.catalog(c, p.name(), false);
            if (row.isEmpty() || row.get().retired()) {
                out.add(new ProjectionStatus(p.name(), p.mode(), p.table(), p.source(), State.NOT_BUILT, 0, 0, 0, null, null, null));
                continue;
            }
            ProjectionTables.CatalogRow r = row.get();
            State state = !r.definition().equals(p.definition()) ? State.DEFINITION_CHANGED
                    : r.lastError() != null ? State.FAILED : State.CURRENT;
            CommittedEvents.Lag lag = p.mode() == ProjectionMode.ASYNC
                    ? reader.lag(c, p.source(), p.eventTypes(), r.checkpoint()) : new CommittedEvents.Lag(0, 0);
            out.add(new ProjectionStatus(p.name(), p.mode(), p.table(), p.source(), state, lag.events(), lag.oldestAgeSeconds(),
                    r.appliedEvents(), r.lastRunAt(), r.rebuiltAt(), r.lastError()));
        }
        return out;
    }
}
