package io.inlet.store;

import io.inlet.failure.PermanentException;
import java.sql.SQLException;

/**
 * PostgreSQL refused the data itself: a data exception (SQLState class 22: a value out of range,
 * an invalid character), a limit (class 54: an index row too large) or an integrity constraint
 * (class 23) other than the lost append race (23505 on the append, {@link AppendRaceException}).
 * Permanent: the same values fail the same way every time. The file path isolates the offending
 * record of a batch and rejects only it; a message carrying it fails permanently.
 */
public class StoreDataException extends PermanentException {

    private final String sqlState;

    public StoreDataException(String message, SQLException cause) {
        super(message, cause);
        this.sqlState = cause.getSQLState();
    }

    /** The SQLState PostgreSQL reported. */
    public String sqlState() {
        return sqlState;
    }

    /** Whether {@code e} is an error about the data (see the class), not about the database or the connection. */
    public static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        if (state == null) return false;
        return state.startsWith("22") || state.startsWith("54") || (state.startsWith("23") && !state.equals("23505"));
    }
}
