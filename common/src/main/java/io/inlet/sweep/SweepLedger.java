package io.inlet.sweep;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Reads the ledger rows ({@code ingested_files}) of the keys of one bucket under a prefix. */
public final class SweepLedger {

    private static final String ROWS = """
            SELECT file_id, object_key, version_id, etag, status FROM ingested_files
            WHERE bucket = ? AND object_key >= ? AND starts_with(object_key, ?)""";

    private final DataSource dataSource;

    public SweepLedger(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public List<LedgerEntry> entries(String bucket, String prefix) throws SQLException {
        List<LedgerEntry> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ROWS)) {
            ps.setString(1, bucket);
            ps.setString(2, prefix);
            ps.setString(3, prefix);
            ps.setFetchSize(5000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LedgerEntry(rs.getLong("file_id"), rs.getString("object_key"), rs.getString("version_id"),
                            rs.getString("etag"), LedgerEntry.State.of(rs.getString("status"))));
                }
            }
        }
        return out;
    }
}
