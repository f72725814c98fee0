package io.inlet.store;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.postgresql.copy.CopyIn;

/**
 * Rows of a {@code COPY ... FROM STDIN} in PostgreSQL's text format, written to the server as they
 * are built (in chunks of {@link #CHUNK} characters): tab-separated columns, one row per line,
 * {@code \N} for null, and a backslash escape for each character the format reserves (backslash,
 * tab, newline, carriage return), so a value arrives exactly as given.
 */
final class CopyRows {

    static final int CHUNK = 1 << 16;

    private final CopyIn copy;
    private final StringBuilder out = new StringBuilder(CHUNK + 4096);
    private boolean rowStarted;

    CopyRows(CopyIn copy) {
        this.copy = copy;
    }

    CopyRows text(String value) {
        separate();
        if (value == null) {
            out.append("\\N");
            return this;
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
        return this;
    }

    CopyRows number(long value) {
        separate();
        out.append(value);
        return this;
    }

    CopyRows endRow() throws SQLException {
        out.append('\n');
        rowStarted = false;
        if (out.length() >= CHUNK) flush();
        return this;
    }

    /** Sends what is left and ends the COPY; the number of rows the server stored. */
    long end() throws SQLException {
        flush();
        return copy.endCopy();
    }

    private void separate() {
        if (rowStarted) out.append('\t');
        rowStarted = true;
    }

    private void flush() throws SQLException {
        if (out.isEmpty()) return;
        byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
        out.setLength(0);
        copy.writeToCopy(bytes, 0, bytes.length);
    }

    /** Cancels an unfinished COPY (after a failure while building rows), so the connection stays usable. */
    void cancelQuietly() {
        try {
            if (copy.isActive()) copy.cancelCopy();
        } catch (SQLException e) {
            // the transaction is rolled back by the caller anyway
        }
    }
}
