package io.inlet.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Finds the ledger files a FILE argument names: a file id, or an object key (every version of it). */
final class RejectedFiles {

    private RejectedFiles() {
    }

    /** The file ids {@code file} names; none is a usage error that says so (exit 2). */
    static List<Long> resolve(Connection c, String file) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT file_id FROM inlet.ingested_files WHERE file_id::text = ? OR object_key = ? OR bucket || '/' || object_key = ?
                ORDER BY file_id""")) {
            ps.setString(1, file);
            ps.setString(2, file);
            ps.setString(3, file);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getLong(1));
            }
        }
        if (ids.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "no file '" + TerminalText.escape(file)
                    + "' in the ledger (give a file id from `inlet status`, an object key or bucket/key)");
        }
        return ids;
    }

    /** The one file {@code file} names; several versions of a key are a usage error asking for the id. */
    static long resolveOne(Connection c, String file) throws SQLException {
        List<Long> ids = resolve(c, file);
        if (ids.size() > 1) {
            throw new CliException(ExitCodes.USAGE, "'" + TerminalText.escape(file) + "' names " + ids.size()
                    + " files (versions) " + ids + ": give the file id");
        }
        return ids.get(0);
    }
}
