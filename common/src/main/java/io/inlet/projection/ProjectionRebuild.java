package io.inlet.projection;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;
import javax.sql.DataSource;

/**
 * Builds a projection's table from the events and swaps it in atomically ({@code inlet projection
 * rebuild NAME}); a projection built for the first time is a rebuild into a table that did not exist.
 *
 * <ol>
 *   <li>Create the shadow table {@code <table>__rebuild} (a leftover of a crashed rebuild is dropped).
 *   <li>Fold the history into it from one REPEATABLE READ snapshot, each stream in version order,
 *       while appends go on (they update the live table, not the shadow).
 *   <li>Catch up, without a lock: apply every event of a handled type whose version is above its
 *       stream's row in the shadow (each stream in the snapshot is a prefix of its versions, so
 *       that is exactly what the snapshot missed).
 *   <li>Swap, in one transaction: lock the catalog row (the async projector waits), lock the event
 *       table EXCLUSIVE (inline appends wait; reads go on), catch up again, drop the live table,
 *       rename the shadow (and its key) to it, grant, record the definition and for async a
 *       checkpoint after every committed event. Commit.
 * </ol>
 * No event is missed (the catch-up under the lock sees every committed event and none is in
 * flight) and none counts twice (the version guard of {@link ProjectionWriter}). Runs as the user
 * that owns the tables (the migrating user): it creates, drops and locks them. One rebuild per
 * projection at a time (a session advisory lock).
 */
public final class ProjectionRebuild {

    private static final int PAGE = 2_000;
    /** First key of the rebuild's session advisory lock: "InRb". */
    private static final int REBUILD_LOCK_CLASS = 0x496e5262;

    private final DataSource ds;
    private final CommittedEvents reader;
    private final ProjectionWriter writer = new ProjectionWriter();
    private volatile Runnable beforeSwap = () -> { };

    public ProjectionRebuild(DataSource ds, CommittedEvents reader) {
        this.ds = ds;
        this.reader = reader;
    }

    /** Runs {@code hook} after the catch-up and before the swap (tests: appends landing in that window). */
    void beforeSwap(Runnable hook) {
        this.beforeSwap = hook;
    }

    /**
     * Rebuilds {@code p}.
     *
     * @throws ProjectionRebuildException when another rebuild of it runs, its table is another
     *                                    relation's, or the database refuses
     */
    public RebuildReport rebuild(Projection p) {
        long started = System.nanoTime();
        String shadow = ProjectionTables.shadowOf(p.table());
        try (Connection lockHolder = ds.getConnection()) {
            if (!tryLock(lockHolder, p)) {
                throw new ProjectionRebuildException(p.declaredAt() + ": another rebuild of it is running");
            }
            try {
                long built = build(p, shadow);
                long caughtUp = catchUpUnlocked(p, shadow);
                beforeSwap.run();
                long[] swap = swap(p, shadow);
                return new RebuildReport(p.name(), p.table(), built, caughtUp + swap[0], swap[1],
                        Duration.ofNanos(System.nanoTime() - started));
            } finally {
                unlock(lockHolder, p);
            }
        } catch (SQLException e) {
            throw new ProjectionRebuildException(p.declaredAt() + ": rebuild failed (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    /**
     * Brings the catalog in line with the feeds file ({@code inlet migrate}): builds each of
     * {@code projections} not yet built in this database, or retired, or built in another mode (an
     * inline projection made async, or the reverse: from history, as a rebuild, so that the appends'
     * catalog guard does not refuse the instances on these feeds); then retires the inline
     * projections in force that {@code projections} no longer declares ({@link ProjectionRetirement}:
     * their tables are kept). Returns one line per projection saying what it found or did.
     * Idempotent: a second run builds and retires nothing. A projection built from another definition
     * in the same mode is left alone and named: {@code inlet projection rebuild NAME} applies it.
     */
    public List<String> ensure(Projections projections) {
        List<String> out = new ArrayList<>();
        for (Projection p : projections.all()) {
            java.util.Optional<ProjectionTables.CatalogRow> row;
            try (Connection c = ds.getConnection()) {
                row = ProjectionTables.catalog(c, p.name(), false);
            } catch (SQLException e) {
                throw new ProjectionRebuildException(p.declaredAt() + ": cannot read the projections catalog: " + e.getMessage(), e);
            }
            String why = row.isEmpty() ? "built"
                    : row.get().retired() ? "declared again after its retirement; rebuilt"
                    : row.get().mode() != p.mode() ? "declared " + p.mode().configName() + ", built " + row.get().mode().configName()
                            + "; rebuilt"
                    : null;
            if (why != null) {
                RebuildReport r = rebuild(p);
                out.add("projection " + p.name() + ": " + why + " " + p.table() + " from " + (r.events() + r.caughtUp()) + " event(s), "
                        + r.rows() + " row(s)");
            } else if (!row.get().definition().equals(p.definition())) {
                out.add("projection " + p.name() + ": its table was built from another definition; run inlet projection rebuild " + p.name());
            } else {
                out.add("projection " + p.name() + ": current");
            }
        }
        for (ProjectionRetirement.Retired r : new ProjectionRetirement(ds).retireUndeclared(projections)) out.add(r.line());
        return out;
    }

    private long build(Projection p, String shadow) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (ProjectionTables.isEventTable(c, p.table())) {
                    throw new ProjectionRebuildException(p.declaredAt() + ": table '" + p.table() + "' is an event table");
                }
                if (ProjectionTables.exists(c, p.table()) && ProjectionTables.catalog(c, p.name(), false).isEmpty()) {
                    throw new ProjectionRebuildException(p.declaredAt() + ": table '" + p.table() + "' exists and is not a projection "
                            + "Inlet built; name another table or drop it");
                }
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + ProjectionWriter.quote(shadow));
                }
                ProjectionTables.create(c, p, shadow);
                c.commit();
                // one snapshot for the whole fold: every stream in it is a prefix of its versions
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                long n = 0;
                String afterStream = "";
                long afterVersion = 0;
                while (true) {
                    List<ProjectedEvent> page = page(c, p, afterStream, afterVersion);
                    if (page.isEmpty()) break;
                    writer.apply(c, p, shadow, page);
                    n += page.size();
                    ProjectedEvent last = page.get(page.size() - 1);
                    afterStream = last.streamId();
                    afterVersion = last.streamVersion();
                }
                c.commit();
                return n;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        }
    }

    private List<ProjectedEvent> page(Connection c, Projection p, String afterStream, long afterVersion) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, stream_id, stream_version, event_type, schema_version, "
                + "occurred_at, payload::text FROM " + ProjectionWriter.quote(p.source())
                + " WHERE event_type = ANY (?) AND (stream_id, stream_version) > (?, ?) ORDER BY stream_id, stream_version LIMIT ?")) {
            ps.setArray(1, c.createArrayOf("text", p.eventTypes().toArray()));
            ps.setString(2, afterStream);
            ps.setLong(3, afterVersion);
            ps.setInt(4, PAGE);
            return events(ps);
        }
    }

    private long catchUpUnlocked(Projection p, String shadow) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                long n = catchUp(c, p, shadow);
                c.commit();
                return n;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Applies the events of handled types above their stream's row in {@code shadow}, page by page, until there are none. */
    private long catchUp(Connection c, Projection p, String shadow) throws SQLException {
        long n = 0;
        while (true) {
            List<ProjectedEvent> page = StreamsAbove.any(c, p, shadow, PAGE);
            if (page.isEmpty()) return n;
            writer.apply(c, p, shadow, page);
            n += page.size();
        }
    }

    /** Returns {events caught up under the lock, rows of the new table}. */
    private long[] swap(Projection p, String shadow) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // readers of the old table in long transactions must not hold the event table locked for long
                s.execute("SET LOCAL lock_timeout = '30s'");
                boolean known = ProjectionTables.catalog(c, p.name(), true).isPresent();
                s.execute("LOCK TABLE " + ProjectionWriter.quote(p.source()) + " IN EXCLUSIVE MODE");
                long caught = catchUp(c, p, shadow);
                s.execute("DROP TABLE IF EXISTS " + ProjectionWriter.quote(p.table()));
                s.execute("ALTER TABLE " + ProjectionWriter.quote(shadow) + " RENAME TO " + ProjectionWriter.quote(p.table()));
                s.execute("ALTER TABLE " + ProjectionWriter.quote(p.table()) + " RENAME CONSTRAINT "
                        + ProjectionWriter.quote(shadow + "_pkey") + " TO " + ProjectionWriter.quote(p.table() + "_pkey"));
                String checkpoint = reader.latest(c, p.source());
                try (PreparedStatement ps = c.prepareStatement(known ? """
                        UPDATE projections SET table_name = ?, source_table = ?, mode = ?, definition = ?, checkpoint = ?,
                               rebuilt_at = now(), last_error = NULL, retired_at = NULL WHERE name = ?""" : """
                        INSERT INTO projections (table_name, source_table, mode, definition, checkpoint, name) VALUES (?, ?, ?, ?, ?, ?)""")) {
                    ps.setString(1, p.table());
                    ps.setString(2, p.source());
                    ps.setString(3, p.mode().configName());
                    ps.setString(4, p.definition());
                    ps.setString(5, checkpoint);
                    ps.setString(6, p.name());
                    ps.executeUpdate();
                }
                long rows;
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + ProjectionWriter.quote(p.table()))) {
                    rs.next();
                    rows = rs.getLong(1);
                }
                c.commit();
                return new long[]{caught, rows};
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    static List<ProjectedEvent> events(PreparedStatement ps) throws SQLException {
        List<ProjectedEvent> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new ProjectedEvent(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getInt(5),
                        rs.getTimestamp(6).toInstant(), rs.getString(7)));
            }
        }
        return out;
    }

    private static boolean tryLock(Connection c, Projection p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, REBUILD_LOCK_CLASS);
            ps.setInt(2, key(p.name()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection c, Projection p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            ps.setInt(1, REBUILD_LOCK_CLASS);
            ps.setInt(2, key(p.name()));
            ps.execute();
        }
    }

    private static int key(String name) {
        CRC32C crc = new CRC32C();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }
}
