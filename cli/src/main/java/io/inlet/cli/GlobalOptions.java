package io.inlet.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes. */
final class GlobalOptions {

    @Option(names = "--feeds", paramLabel = "LOCATION",
            description = "Feeds file: a path, s3://bucket/key or gs://bucket/key (default: $INLET_FEEDS, else ./feeds.yaml).")
    String feeds;

    @Option(names = "--feeds-endpoint", paramLabel = "URL",
            description = "Storage endpoint for an s3:// or gs:// feeds file on an emulator or S3-compatible store "
                    + "(default: INLET_S3_ENDPOINT / STORAGE_EMULATOR_HOST).")
    String feedsEndpoint;

    @Option(names = "--database-url", paramLabel = "JDBC_URL",
            description = "PostgreSQL JDBC URL (default: $INLET_DATABASE_URL; user and password from $INLET_DATABASE_USER / $INLET_DATABASE_PASSWORD). Unset: an embedded server.")
    String databaseUrl;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory of the embedded PostgreSQL (default: $INLET_DATA_DIR, else ~/.inlet/pgdata).")
    Path dataDir;

    @Option(names = "--metrics", description = "Print Inlet's Micrometer metrics (files, records, messages, relay, outbox lag) to stderr at the end.")
    boolean metrics;

    @Option(names = {"-v", "--verbose"}, description = "Log at INFO (JSON lines on stderr) instead of WARN.")
    boolean verbose;

    /**
     * These options with any left unset taken from {@code before}: the options given before the
     * subcommand ({@code inlet --data-dir X status}), so that they work on either side of it.
     */
    GlobalOptions orElse(GlobalOptions before) {
        if (before == null) return this;
        GlobalOptions g = new GlobalOptions();
        g.feeds = feeds != null ? feeds : before.feeds;
        g.feedsEndpoint = feedsEndpoint != null ? feedsEndpoint : before.feedsEndpoint;
        g.databaseUrl = databaseUrl != null ? databaseUrl : before.databaseUrl;
        g.dataDir = dataDir != null ? dataDir : before.dataDir;
        g.metrics = metrics || before.metrics;
        g.verbose = verbose || before.verbose;
        return g;
    }
}
