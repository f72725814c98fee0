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
 * ({@link StaleFeedsException}). Under READ COMMITTED that read's snapshot is taken after the event
 * table's lock, so a rebuild's swap (which holds the table EXCLUSIVE while it records the projection)
 * has committed before it or waits for the append.
 *
 * <p>Cost: the catalog has one row per projection (one 8 kB page): a scan of that page in the
 * statement the append sends anyway (no round trip on the message path and the statement path; one
 * small query after each wide batch's COPY).
 */
final class KnownProjections {

    /**
     * The CTE {@code stale(name)}, to follow the {@code input} CTE of an append statement; {@code %1$s}
     * is the event table, its one parameter the instance's inline projection names ({@link #bind}).
     */
    static final String STALE_CTE = """
            stale AS (
                SELECT p.name FROM projections p
                WHERE p.source_table = '%1$s' AND p.mode = 'inline' AND p.name <> ALL (?::text[])
            ),""";

    private static final String STALE = """
            SELECT p.name FROM projections p
            WHERE p.source_table = ? AND p.mode = 'inline' AND p.name <> ALL (?::text[])
            ORDER BY p.name""";

    private final InlineProjector projections;

    KnownProjections(InlineProjector projections) {
        this.projections = projections;
    }

    /** Binds {@link #STALE_CTE}'s parameter for {@code table} at {@code p}; returns the next index. */
    int bind(Connection c, PreparedStatement ps, int p, String table) throws SQLException {
        ps.setArray(p, c.createArrayOf("text", projections.inlineNames(table).toArray()));
        return p + 1;
    }

    /**
     * Throws {@link StaleFeedsException} when the catalog has an inline projection of {@code table}
     * that the feeds do not declare; call in the append's transaction after the rows were written
     * (the transaction then rolls back).
     */
    void check(Connection c, String table) throws SQLException {
        List<String> unknown = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(STALE)) {
            ps.setString(1, table);
            bind(c, ps, 2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) unknown.add(rs.getString(1));
            }
        }
        if (!unknown.isEmpty()) throw new StaleFeedsException(table, unknown);
    }
}
