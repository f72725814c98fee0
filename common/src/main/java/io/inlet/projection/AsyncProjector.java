package io.inlet.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an async projection forward from its checkpoint: what the relay function does after
 * relaying (both clouds), and {@code inlet projection run}.
 *
 * <p>Each page is read in commit-safe order ({@link CommittedEvents}); the streams it touched are
 * then caught up from the event table in version order ({@link StreamsAbove}), in one transaction
 * that locks the projection's catalog row (SKIP LOCKED: a second projector or a
 * rebuild holding it means this run has nothing to do), checks the checkpoint is still the one the
 * page was read from, applies the events and moves the checkpoint. So the checkpoint and the rows
 * move together: a crash anywhere leaves both before the page, and the next run reads it again.
 * Applying an event twice changes nothing anyway (the version guard of {@link ProjectionWriter}).
 * A value the table refuses stops the projector at that event with the reason in the catalog's
 * {@code last_error} (the checkpoint stays before it: nothing is skipped silently).
 */
public final class AsyncProjector {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncProjector.class);

    private final DataSource ds;
    private final CommittedEvents reader;
    private final ProjectionWriter writer = new ProjectionWriter();
    private volatile java.util.function.BooleanSupplier crashBeforeCommit = () -> false;

    public AsyncProjector(DataSource ds, CommittedEvents reader) {
        this.ds = ds;
        this.reader = reader;
    }

    /** Tests: when {@code crash} says so, a page's transaction fails after its writes, before its commit. */
    void crashBeforeCommit(java.util.function.BooleanSupplier crash) {
        this.crashBeforeCommit = crash;
    }

    /** Applies up to {@code budget} events, in pages of {@code page}. */
    public ProjectorReport run(Projection p, int budget, int page) {
        if (p.mode() != ProjectionMode.ASYNC) throw new IllegalArgumentException("projection " + p.name() + " is inline: appends keep it");
        long applied = 0;
        try (Connection c = ds.getConnection()) {
            while (true) {
                c.setAutoCommit(true);
                Optional<ProjectionTables.CatalogRow> row = ProjectionTables.catalog(c, p.name(), false);
                if (row.isEmpty() || row.get().retired() || !row.get().definition().equals(p.definition())) {
                    return new ProjectorReport(p.name(), applied, ProjectorReport.Status.NEEDS_REBUILD, row.isEmpty()
                            ? "not built in this database: run inlet projection rebuild " + p.name()
                            : row.get().retired() ? "retired in this database (its table is no longer maintained): run inlet migrate "
                                    + "or inlet projection rebuild " + p.name() + " to declare it again"
                            : "its table was built from another definition: run inlet projection rebuild " + p.name());
                }
                if (applied >= budget) return new ProjectorReport(p.name(), applied, ProjectorReport.Status.BUDGET_SPENT, "");
                String checkpoint = row.get().checkpoint();
                CommittedEvents.Page next = reader.read(c, p.source(), p.eventTypes(), checkpoint, (int) Math.min(page, budget - applied));
                if (next.events().isEmpty() && next.next().equals(checkpoint)) {
                    return new ProjectorReport(p.name(), applied, ProjectorReport.Status.CAUGHT_UP, "");
                }
                long[] done = {0};
                Outcome outcome = applyPage(c, p, checkpoint, next, done);
                switch (outcome) {
                    case APPLIED -> applied += done[0];
                    case MOVED -> { } // another projector moved it between the read and the lock: read again
                    case BUSY -> {
                        return new ProjectorReport(p.name(), applied, ProjectorReport.Status.BUSY, "held by another projector or a rebuild");
                    }
                }
            }
        } catch (ProjectionFailure f) {
            recordFailure(p, f.getMessage());
            LOG.atError().setMessage("projection {} stopped: {}").addArgument(p.name()).addArgument(f.getMessage())
                    .addKeyValue("projection", p.name()).log();
            return new ProjectorReport(p.name(), applied, ProjectorReport.Status.FAILED, f.getMessage());
        } catch (SQLException e) {
            throw new IllegalStateException("projection " + p.name() + ": SQLState " + e.getSQLState() + ": " + e.getMessage(), e);
        }
    }

    private enum Outcome { APPLIED, MOVED, BUSY }

    private Outcome applyPage(Connection c, Projection p, String from, CommittedEvents.Page page, long[] done) throws SQLException {
        c.setAutoCommit(false);
        try {
            String now;
            try (PreparedStatement ps = c.prepareStatement("SELECT checkpoint FROM projections WHERE name = ? AND retired_at IS NULL FOR UPDATE SKIP LOCKED")) {
                ps.setString(1, p.name());
                try (var rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        c.rollback();
                        return Outcome.BUSY;
                    }
                    now = rs.getString(1);
                }
            }
            if (!now.equals(from)) {
                c.rollback();
                return Outcome.MOVED;
            }
            // the streams the page touched, each caught up from the table in version order (StreamsAbove):
            // a reader's order across transactions may put a stream's versions out of order
            List<String> streams = page.events().stream().map(ProjectedEvent::streamId).distinct().toList();
            try {
                done[0] = writer.apply(c, p, p.table(), StreamsAbove.of(c, p, p.table(), streams));
            } catch (SQLException e) {
                c.rollback();
                if (e.getSQLState() != null && (e.getSQLState().startsWith("22") || e.getSQLState().startsWith("23"))) {
                    throw new ProjectionFailure(e.getMessage());
                }
                throw e;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE projections SET checkpoint = ?, applied_events = applied_events + ?, "
                    + "last_run_at = now(), last_error = NULL WHERE name = ?")) {
                ps.setString(1, page.next());
                ps.setLong(2, done[0]);
                ps.setString(3, p.name());
                ps.executeUpdate();
            }
            if (crashBeforeCommit.getAsBoolean()) throw new IllegalStateException("simulated crash before the commit of projection " + p.name());
            c.commit();
            return Outcome.APPLIED;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is broken; closing it discards the transaction
            }
            throw e;
        }
    }

    private void recordFailure(Projection p, String error) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE projections SET last_error = ?, last_run_at = now() WHERE name = ?")) {
            ps.setString(1, error);
            ps.setString(2, p.name());
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("projection {}: cannot record its failure: {}", p.name(), e.getMessage());
        }
    }

    private static final class ProjectionFailure extends RuntimeException {
        ProjectionFailure(String message) {
            super(message);
        }
    }
}
