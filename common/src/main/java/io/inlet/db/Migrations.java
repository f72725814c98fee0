package io.inlet.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the versioned schema (Flyway, {@code db/migration}) and creates the event tables the
 * feeds declare. Idempotent: running it again changes nothing.
 */
public final class Migrations {

    private Migrations() {
    }

    /** Migrates the schema and ensures each named event table exists; returns migrations applied. */
    public static int apply(DataSource ds, Collection<String> eventTables) {
        MigrateResult result = Flyway.configure()
                .dataSource(ds)
                .schemas(Database.SCHEMA)
                .defaultSchema(Database.SCHEMA)
                .locations("classpath:db/migration")
                .loggers("slf4j")
                .load()
                .migrate();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT inlet.create_event_table(?)")) {
            for (String table : eventTables) {
                ps.setString(1, table);
                ps.execute();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create event tables " + eventTables + ": " + e.getMessage(), e);
        }
        checkEventTables(ds, eventTables);
        return result.migrationsExecuted;
    }

    /**
     * Proves each named table is an event table: create_event_table leaves an existing relation of
     * that name alone, so a feed naming some other table would otherwise "migrate" into nothing.
     *
     * @throws NotAnEventTableException naming the table and what is wrong with it
     */
    static void checkEventTables(DataSource ds, Collection<String> eventTables) {
        List<String> problems = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT problem FROM inlet.event_table_problems(?) AS problem")) {
            for (String table : eventTables) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) problems.add(table + " " + rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check event tables " + eventTables + ": " + e.getMessage(), e);
        }
        if (!problems.isEmpty()) {
            throw new NotAnEventTableException("not an event table, so no feed may write to it: " + String.join("; ", problems)
                    + " (name a table of the feed's own in the feeds file)");
        }
    }
}
