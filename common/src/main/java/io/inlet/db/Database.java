package io.inlet.db;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** Builds the DataSource every component uses: PostgreSQL, Inlet's schema first on the search path. */
public final class Database {

    /** The schema all of Inlet's tables live in. */
    public static final String SCHEMA = "inlet";

    private Database() {
    }

    public static DataSource dataSource(DatabaseSettings settings) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        try {
            ds.setURL(settings.url());
        } catch (RuntimeException e) { // the driver's message repeats the whole URL, credentials included
            throw new IllegalArgumentException("invalid database URL " + DatabaseSettings.redact(settings.url()));
        }
        if (settings.user() != null) ds.setUser(settings.user());
        if (settings.password() != null) ds.setPassword(settings.password());
        ds.setCurrentSchema(SCHEMA);
        ds.setApplicationName("inlet");
        ds.setReWriteBatchedInserts(true);
        ds.setTcpKeepAlive(true);
        ds.setConnectTimeout(10);
        return ds;
    }

    /** Opens a connection and proves the server answers; a wrong URL or password fails here, at start-up. */
    public static void check(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            c.isValid(5);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to PostgreSQL: " + e.getMessage(), e);
        }
    }
}
