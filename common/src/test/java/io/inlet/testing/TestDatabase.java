package io.inlet.testing;

import io.inlet.db.Database;
import io.inlet.db.DatabaseSettings;
import io.inlet.db.EmbeddedDatabase;
import io.inlet.db.Migrations;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The PostgreSQL server tests run against: the one {@code INLET_DATABASE_URL} names (its user
 * needs CREATEDB), else one embedded server per test JVM. Each {@link #fresh} call creates a new,
 * migrated database so test classes never see each other's rows.
 */
public final class TestDatabase {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static DatabaseSettings server;

    private TestDatabase() {
    }

    /** A new database with the schema and the given event tables (besides {@code events}). */
    public static DataSource fresh(String... eventTables) {
        return fresh(List.of(eventTables));
    }

    public static synchronized DataSource fresh(Collection<String> eventTables) {
        DatabaseSettings admin = server();
        String name = "inlet_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection c = Database.dataSource(admin).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        DatabaseSettings settings = new DatabaseSettings(withDatabase(admin.url(), name), admin.user(), admin.password());
        DataSource ds = Database.dataSource(settings);
        Migrations.apply(ds, eventTables);
        return ds;
    }

    /** Settings of the server itself (the admin database), e.g. for child processes. */
    public static synchronized DatabaseSettings server() {
        if (server == null) {
            server = DatabaseSettings.fromEnvironment(System.getenv()).orElseGet(() -> {
                EmbeddedDatabase db = EmbeddedDatabase.start(null);
                Runtime.getRuntime().addShutdownHook(new Thread(db::close));
                return db.settings();
            });
        }
        return server;
    }

    /** Settings of one database on the test server. */
    public static DatabaseSettings settingsFor(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            return new DatabaseSettings(c.getMetaData().getURL(), server().user(), server().password());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String withDatabase(String url, String database) {
        int q = url.indexOf('?');
        String base = q < 0 ? url : url.substring(0, q);
        String query = q < 0 ? "" : url.substring(q);
        int slash = base.lastIndexOf('/');
        return base.substring(0, slash + 1) + database + query;
    }
}
