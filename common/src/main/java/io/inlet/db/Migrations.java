package io.inlet.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
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
        return result.migrationsExecuted;
    }
}
