package io.inlet.projection;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Reads the events of an event table after a checkpoint in commit-safe order: what the async
 * projector needs of a reader (docs/read-side.md).
 *
 * <p>Contract: every event returned is committed, and no event that commits later may ever sort
 * before the returned {@link Page#next} checkpoint: reading page after page from a checkpoint
 * sees every event of the table exactly once. Checkpoints are opaque text.
 */
public interface CommittedEvents {

    /** Events after {@code checkpoint} and the checkpoint after them; {@code events} holds at most {@code limit}. */
    record Page(List<ProjectedEvent> events, String next) {
        public Page {
            events = List.copyOf(events);
        }
    }

    /** The checkpoint before every event (a new projector starts there). */
    String beginning();

    /**
     * Reads events of {@code table} whose type is in {@code types}, after {@code checkpoint}.
     * {@code c} is in auto-commit mode; an implementation may run short transactions of its own on it.
     */
    Page read(Connection c, String table, Set<String> types, String checkpoint, int limit) throws SQLException;

    /**
     * A checkpoint after every committed event of {@code table}, to be called in a transaction in
     * which no append to the table can be in flight (a rebuild's swap holds the table's lock).
     */
    String latest(Connection c, String table) throws SQLException;

    /** How many events of those types lie after {@code checkpoint}, and the oldest one's recorded_at age. */
    Lag lag(Connection c, String table, Set<String> types, String checkpoint) throws SQLException;

    /** Events behind and the age, in seconds, of the oldest of them (0 when none). */
    record Lag(long events, long oldestAgeSeconds) {
    }
}
