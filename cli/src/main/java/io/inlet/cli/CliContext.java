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
    /** Registered first, so the outbox gauges on {@link #meters} are these (set from the database at the end). */
    private final io.inlet.metrics.InletMetrics metrics = new io.inlet.metrics.InletMetrics(meters);

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

    /**
     * The database options this run was given, as command-line text ({@code " --data-dir DIR"},
     * {@code " --database-url URL"}, or empty), shell-quoted: advice printed with it works as printed.
     */
    String databaseArgs() {
        StringBuilder b = new StringBuilder();
        if (options.databaseUrl != null) b.append(" --database-url ").append(shellQuoted(options.databaseUrl));
        if (options.dataDir != null) b.append(" --data-dir ").append(shellQuoted(options.dataDir.toString()));
        return b.toString();
    }

    static String shellQuoted(String s) {
        return s.matches("[A-Za-z0-9_./:=@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
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
            feeds = CliFeeds.load(feedsLocation(), options.feeds != null, options.feedsEndpoint);
            for (String w : feeds.warnings()) err.println("inlet: warning: " + w);
        }
        return feeds;
    }

    /**
     * The feeds, when a feeds file is given or found; commands that only read the database use this
     * and work without one.
     */
    java.util.Optional<FeedRegistry> feedsIfPresent() {
        if (feeds == null && !hasFeeds()) return java.util.Optional.empty();
        return java.util.Optional.of(feeds());
    }

    /** Whether there is a feeds file to read: an object or resource location given, or a path that exists. */
    boolean hasFeeds() {
        return feeds != null || CliFeeds.isRemote(feedsLocation()) || Files.isRegularFile(Path.of(feedsLocation()));
    }

    void useFeeds(FeedRegistry registry) {
        this.feeds = registry;
    }

    /** {@code --feeds}, else INLET_FEEDS, else {@code feeds.yaml}: a path, {@code s3://}, {@code gs://} or {@code classpath:}. */
    String feedsLocation() {
        if (options.feeds != null) return options.feeds;
        String env = System.getenv("INLET_FEEDS");
        return env != null ? env : "feeds.yaml";
    }

    Inlet inlet() {
        return inlet(java.time.Duration.ofMinutes(15));
    }

    Inlet inlet(java.time.Duration lease) {
        return Inlet.builder().dataSource(dataSource()).feeds(feeds()).leaseDuration(lease).meterRegistry(meters)
                .workerId(Operator.workerId()).build();
    }

    /** The outbox gauges from the database, as they stand now (a command that did not relay would show 0). */
    private void refreshOutboxGauges() {
        try (java.sql.Connection c = dataSource.getConnection()) {
            var lag = new io.inlet.outbox.OutboxStore().lag(c);
            metrics.outbox(lag.pending(), lag.oldestAgeSeconds(), lag.blocked());
        } catch (java.sql.SQLException | RuntimeException e) {
            err.println("inlet: warning: could not read the outbox backlog for --metrics: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        onInterrupt.clear();
        if (options.metrics) {
            if (dataSource != null) refreshOutboxGauges();
            MetricsReport.print(err, meters);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(interruptHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // shutting down already (the hook runs), or never registered
        }
        if (embedded != null && !interruptHook.isAlive()) embedded.close();
    }
}
