package io.inlet.testing;

import io.inlet.db.Database;
import io.inlet.db.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * An embedded PostgreSQL that checks passwords (SCRAM) for every user but its superuser
 * {@code postgres}: the shared {@link TestDatabase} server trusts every login, so a test of who
 * can log in with which password needs this one. One server per test JVM, a new database per call.
 */
public final class PasswordCheckingDatabase {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;

    private PasswordCheckingDatabase() {
    }

    /** A new, empty database on the server; the settings log in as the superuser. */
    public static synchronized DatabaseSettings freshDatabase() {
        DatabaseSettings admin = admin();
        String name = "inlet_pw_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection c = Database.dataSource(admin).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return new DatabaseSettings(TestDatabase.withDatabase(admin.url(), name), admin.user(), null);
    }

    /** The same database, logging in as {@code user} with {@code password} (checked by the server). */
    public static DataSource login(DatabaseSettings database, String user, String password) {
        String url = database.url().replaceAll("([?&])user=[^&]*&?", "$1").replaceAll("[?&]$", "");
        return Database.dataSource(new DatabaseSettings(url, user, password));
    }

    private static synchronized DatabaseSettings admin() {
        if (server == null) {
            try {
                Path dir = Files.createTempDirectory("inlet-pg-scram");
                server = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .setServerConfig("fsync", "off")
                        .setServerConfig("password_encryption", "scram-sha-256")
                        .start();
                Files.writeString(dir.resolve("pg_hba.conf"), String.join("\n",
                        "local all all trust",
                        "host all postgres 127.0.0.1/32 trust",
                        "host all postgres ::1/128 trust",
                        "host all all 127.0.0.1/32 scram-sha-256",
                        "host all all ::1/128 scram-sha-256", ""));
                try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("SELECT pg_reload_conf()");
                }
                EmbeddedPostgres started = server;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (IOException ignored) {
                        // stopping at exit
                    }
                }));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start a password-checking PostgreSQL: " + e.getMessage(), e);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot configure password authentication: " + e.getMessage(), e);
            }
        }
        return new DatabaseSettings(server.getJdbcUrl("postgres", "postgres"), "postgres", null);
    }
}
