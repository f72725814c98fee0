package io.inlet.store;

import io.inlet.projection.InlineProjector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The guard of every append against feeds older than the database: the inline projections of an
 * event table that the {@code projections} catalog has and this instance's feeds do not declare. An
 * instance reads its feeds once, at its cold start; a projection built afterwards ({@code inlet
 * migrate}) would miss the events the instance appends and then fold later events over the gap
 * (the version guard accepts them): a wrong value, silently. So each append reads the catalog in its
 * own transaction, after its insert has locked the event table ({@link #STALE_CTE} inside the append
 * statements, {@link #check} after a COPY), and writes nothing when such a projection exists
 * ({@link StaleFeedsException}). The other way round too: an inline projection the feeds declare that
 * the catalog no longer has in force (retired by {@code inlet migrate}, or rebuilt async, after the
 * instance started) would be applied over the gap the other instances leave, so it refuses as well.
 * And a projection both have with another definition (rebuilt by {@code inlet projection rebuild} from
 * other feeds than the instance read: the catalog's {@code definition} against
 * {@link io.inlet.projection.Projection#definition()}): the old upserts on the rebuilt table would give
 * values the new definition does not, so it refuses too.
 * Under READ COMMITTED that read's snapshot is taken after the event
 * table's lock, so a rebuild's swap (which holds the table EXCLUSIVE while it records the projection)
 * has committed before it or waits for the append.
 *
 * <p>Cost: the catalog has one row per projection (one 8 kB page): a scan of that page in the
 * statement the append sends anyway (no round trip on the message path and the statement path; one
 * small query after each wide batch's COPY).
 */
final class KnownProjections {

    /**
     * The CTE {@code stale(name, missing)}, to follow the {@code input} CTE of an append statement;
     * {@code %1$s} is the event table, its two parameters the instance's inline projection names and
     * their definitions ({@link #bind}). A row per disagreement: {@code missing = 0} an inline projection in force in the
     * catalog that the feeds do not declare (built after the instance started), {@code missing = 1}
     * one the feeds declare inline that the catalog does not have in force (retired, or rebuilt in
     * another mode, after the instance started), {@code missing = 2} one both have whose definition in
     * the catalog differs from the feeds'. A FULL JOIN of the catalog's few rows of the table with the
     * arrays: two parameters, one scan of the catalog's page.
     */
    static final String STALE_CTE = """
            stale AS (
                SELECT coalesce(p.name, k.name) AS name,
                       CASE WHEN p.name IS NULL THEN 1 WHEN k.name IS NULL THEN 0 ELSE 2 END AS missing
                FROM (SELECT name, definition FROM projections
                      WHERE source_table = '%1$s' AND mode = 'inline' AND retired_at IS NULL) p
                FULL JOIN unnest(?::text[], ?::text[]) AS k(name, definition) ON k.name = p.name
                WHERE p.name IS NULL OR k.name IS NULL OR p.definition IS DISTINCT FROM k.definition
            ),""";

    private static final String STALE = """
            SELECT coalesce(p.name, k.name), CASE WHEN p.name IS NULL THEN 1 WHEN k.name IS NULL THEN 0 ELSE 2 END
            FROM (SELECT name, definition FROM projections WHERE source_table = ? AND mode = 'inline' AND retired_at IS NULL) p
            FULL JOIN unnest(?::text[], ?::text[]) AS k(name, definition) ON k.name = p.name
            WHERE p.name IS NULL OR k.name IS NULL OR p.definition IS DISTINCT FROM k.definition
            ORDER BY 1""";

    private final InlineProjector projections;

    KnownProjections(InlineProjector projections) {
        this.projections = projections;
    }

    /**
     * Binds {@link #STALE_CTE}'s two parameters for {@code table} from {@code p} (the names of this
     * instance's inline projections of the table and, in the same order, their
     * {@link io.inlet.projection.Projection#definition() definitions}); returns the next index.
     */
    int bind(Connection c, PreparedStatement ps, int p, String table) throws SQLException {
        InlineProjector.Declared d = projections.declared(table);
        ps.setArray(p, c.createArrayOf("text", d.names()));
        ps.setArray(p + 1, c.createArrayOf("text", d.definitions()));
        return p + 2;
    }

    /**
     * Throws {@link StaleFeedsException} when the catalog and the feeds disagree on the inline
     * projections of {@code table} ({@link #STALE_CTE}); call in the append's transaction after the
     * rows were written (the transaction then rolls back).
     */
    void check(Connection c, String table) throws SQLException {
        Disagreement d = new Disagreement();
        try (PreparedStatement ps = c.prepareStatement(STALE)) {
            ps.setString(1, table);
            bind(c, ps, 2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) d.add(rs.getString(1), rs.getInt(2));
            }
        }
        d.throwIfAny(table, true);
    }

    /** The rows of {@code stale} an append read: the projections the feeds lack and those the catalog no longer has. */
    static final class Disagreement {

        private final List<String> undeclared = new ArrayList<>();
        private final List<String> notInForce = new ArrayList<>();
        private final List<String> redefined = new ArrayList<>();

        /** One row of {@code stale}: its name and its {@code missing} flag (0 undeclared, 1 not in force, 2 redefined). */
        void add(String name, int missing) {
            (missing == 0 ? undeclared : missing == 1 ? notInForce : redefined).add(name);
        }

        /** Throws {@link StaleFeedsException} when there was a row and the append had new events to write. */
        void throwIfAny(String table, boolean hadNewEvents) {
            if (hadNewEvents && (!undeclared.isEmpty() || !notInForce.isEmpty() || !redefined.isEmpty())) {
                throw new StaleFeedsException(table, undeclared, notInForce, redefined);
            }
        }
    }
}
