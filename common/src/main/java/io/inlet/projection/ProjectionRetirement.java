package io.inlet.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Retires the catalog row of an inline projection the feeds file no longer declares ({@code inlet
 * migrate}, {@code inlet projection retire NAME}): sets {@code retired_at}, keeps the row and the
 * table (no data dropped; the table is no longer maintained). Without it, the appends' catalog guard
 * ({@code store.KnownProjections}) would refuse every append to the event table by an instance on
 * the new feeds, forever.
 *
 * <p>Contract: in one transaction, the catalog row locked (a rebuild of it waits), then the event
 * table locked EXCLUSIVE, as a rebuild's swap does (same order, no deadlock between them): an append
 * of an instance whose feeds still declare the projection either committed before (and projected
 * its events) or waited and then reads the retired row and refuses, retryable (the guard's other
 * half); so the kept table is exactly the fold of the events committed before the retirement, and
 * no event is folded into it over a gap. Idempotent: a retired row is left as it is. Runs as the
 * user that owns the tables (the migrating user).
 */
public final class ProjectionRetirement {

    private final DataSource ds;

    public ProjectionRetirement(DataSource ds) {
        this.ds = ds;
    }

    /** What a retirement found or did. */
    public record Retired(String name, String table, String source, boolean now) {

        /** The line {@code inlet migrate} prints and the CLI reports. */
        public String line() {
            return "projection " + name + ": " + (now ? "retired" : "already retired") + " (no longer declared by the feeds); table "
                    + table + " kept, no longer maintained (events of " + source + ")";
        }
    }

    /** Retires every inline projection in force in the catalog that {@code declared} does not name; returns one per retirement. */
    public List<Retired> retireUndeclared(Projections declared) {
        List<String> names = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT name FROM projections WHERE mode = 'inline' AND retired_at IS NULL AND name <> ALL (?::text[]) ORDER BY name""")) {
            ps.setArray(1, c.createArrayOf("text", declared.all().stream().map(Projection::name).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) names.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new ProjectionRebuildException("cannot read the projections catalog: " + e.getMessage(), e);
        }
        List<Retired> out = new ArrayList<>();
        for (String name : names) retire(name).filter(Retired::now).ifPresent(out::add);
        return out;
    }

    /**
     * Retires {@code name}; empty when the catalog has no such projection. An async projection is
     * retired too (its projector stops only when the feeds no longer declare it).
     *
     * @throws ProjectionRebuildException when the database refuses (a lock not granted in 30 s)
     */
    public Optional<Retired> retire(String name) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL lock_timeout = '30s'");
                Optional<ProjectionTables.CatalogRow> row = ProjectionTables.catalog(c, name, true);
                if (row.isEmpty() || row.get().retired()) {
                    c.rollback();
                    return row.map(r -> new Retired(r.name(), r.table(), r.source(), false));
                }
                ProjectionTables.CatalogRow r = row.get();
                if (r.mode() == ProjectionMode.INLINE) {
                    s.execute("LOCK TABLE " + ProjectionWriter.quote(r.source()) + " IN EXCLUSIVE MODE");
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE projections SET retired_at = now() WHERE name = ?")) {
                    ps.setString(1, name);
                    ps.executeUpdate();
                }
                c.commit();
                return Optional.of(new Retired(r.name(), r.table(), r.source(), true));
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new ProjectionRebuildException("projection " + name + ": retirement failed (SQLState " + e.getSQLState() + "): "
                    + e.getMessage(), e);
        }
    }
}
