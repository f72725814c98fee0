package io.inlet.cli;

import io.inlet.Inlet;
import io.inlet.db.Database;
import io.inlet.db.DatabaseSettings;
import io.inlet.db.EmbeddedDatabase;
import io.inlet.feed.FeedRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * What every command needs, resolved once: the database (the {@code INLET_DATABASE_URL} server, or
 * an embedded one over a persistent data directory) and the feeds file.
 */
final class CliContext implements AutoCloseable {

    private final GlobalOptions options;
    final PrintStream out;
    final PrintStream err;
    private EmbeddedDatabase embedded;
    private DataSource dataSource;
    private FeedRegistry feeds;
    final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    /** What runs when the process is interrupted (Ctrl-C, SIGTERM), in order, before the embedded server stops. */
    private final java.util.List<Runnable> onInterrupt = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final Thread interruptHook = new Thread(() -> {
        if (closed) return;
        onInterrupt.forEach(Runnable::run);
        if (embedded != null) embedded.close();
    }, "inlet-interrupted");
    private boolean hookRegistered;

    /**
     * Runs {@code action} if the process is interrupted (Ctrl-C, SIGTERM) before this context closes;
     * while the database is still up (an embedded server is stopped after it).
     */
    void onInterrupt(Runnable action) {
        onInterrupt.add(action);
        registerHook();
    }

    private synchronized void registerHook() {
        if (hookRegistered) return;
        Runtime.getRuntime().addShutdownHook(interruptHook);
        hookRegistered = true;
    }

    CliContext(GlobalOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    DataSource dataSource() {
        if (dataSource == null) {
            DatabaseSettings settings = options.databaseUrl != null
                    ? new DatabaseSettings(options.databaseUrl, System.getenv(DatabaseSettings.USER), System.getenv(DatabaseSettings.PASSWORD))
                    : DatabaseSettings.fromEnvironment(System.getenv()).orElse(null);
            if (settings == null) {
                Path dir = dataDir();
                err.println("inlet: no INLET_DATABASE_URL; starting embedded PostgreSQL with data in " + dir);
                // stopped by this context (close, or the interrupt hook below after the claims are released)
                embedded = EmbeddedDatabase.start(dir, false);
                registerHook();
                settings = embedded.settings();
            }
            dataSource = Database.dataSource(settings);
            Database.check(dataSource);
        }
        return dataSource;
    }

    boolean isEmbedded() {
        return embedded != null;
    }

    Path dataDir() {
        if (options.dataDir != null) return options.dataDir;
        String env = System.getenv("INLET_DATA_DIR");
        return env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".inlet", "pgdata");
    }

    FeedRegistry feeds() {
        if (feeds == null) {
            Path file = feedsFile();
            if (!Files.isRegularFile(file)) {
                throw new CliException(ExitCodes.CONFIG, "feeds file not found: " + file
                        + " (give --feeds FILE or set INLET_FEEDS)");
            }
            feeds = FeedRegistry.load(file);
            for (String w : feeds.warnings()) err.println("inlet: warning: " + w);
        }
        return feeds;
    }

    void useFeeds(FeedRegistry registry) {
        this.feeds = registry;
    }

    Path feedsFile() {
        if (options.feeds != null) return options.feeds;
        String env = System.getenv("INLET_FEEDS");
        return env != null ? Path.of(env) : Path.of("feeds.yaml");
    }

    Inlet inlet() {
        return inlet(java.time.Duration.ofMinutes(15));
    }

    Inlet inlet(java.time.Duration lease) {
        return Inlet.builder().dataSource(dataSource()).feeds(feeds()).leaseDuration(lease).meterRegistry(meters)
                .workerId(Operator.workerId()).build();
    }

    @Override
    public void close() {
        closed = true;
        onInterrupt.clear();
        if (options.metrics) MetricsReport.print(err, meters);
        try {
            Runtime.getRuntime().removeShutdownHook(interruptHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // shutting down already (the hook runs), or never registered
        }
        if (embedded != null && !interruptHook.isAlive()) embedded.close();
    }
}
