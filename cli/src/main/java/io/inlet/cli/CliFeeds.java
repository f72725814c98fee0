package io.inlet.cli;

import io.inlet.feed.FeedRegistry;
import io.inlet.trigger.FeedsLocation;
import io.inlet.trigger.SettingException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the CLI's feeds file from where it is: a path (schema files relative to it), an object
 * ({@code s3://bucket/key}, {@code gs://bucket/key}, through the same reader and client chain as
 * {@code inlet ingest s3://...}), or a {@code classpath:} resource. The functions read the same
 * locations through {@link FeedsLocation}, so one INLET_FEEDS value works for both.
 */
final class CliFeeds {

    private CliFeeds() {
    }

    static boolean isRemote(String location) {
        return location.startsWith("s3://") || location.startsWith("gs://") || location.startsWith("classpath:");
    }

    /**
     * @param given    whether the location came from {@code --feeds} (a malformed one is then a usage error)
     * @param endpoint {@code --feeds-endpoint}, or null for the environment's
     */
    static FeedRegistry load(String location, boolean given, String endpoint) {
        if (!isRemote(location)) {
            Path file = Path.of(location);
            if (!Files.isRegularFile(file)) {
                throw new CliException(ExitCodes.CONFIG, "feeds file not found: " + file + " (give --feeds FILE|s3://...|gs://... or set INLET_FEEDS)");
            }
            return FeedRegistry.load(file);
        }
        FeedsLocation feeds;
        try {
            feeds = new FeedsLocation(location);
        } catch (SettingException e) {
            throw new CliException(given ? ExitCodes.USAGE : ExitCodes.CONFIG, (given ? "--feeds " : "INLET_FEEDS ") + problem(e));
        }
        if (feeds.bucketScheme() == null) {
            return load(feeds, null);
        }
        BucketUri.Scheme scheme = "s3".equals(feeds.bucketScheme()) ? BucketUri.Scheme.S3 : BucketUri.Scheme.GCS;
        try (ObjectStore store = ObjectStore.open(scheme, endpoint)) {
            return load(feeds, store);
        } catch (CliException | io.inlet.feed.FeedConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new CliException(ExitCodes.FAILURE, "cannot read feeds file " + location + ": " + e.getMessage());
        }
    }

    private static FeedRegistry load(FeedsLocation feeds, ObjectStore store) {
        try {
            return feeds.load(store == null ? null : store.reader());
        } catch (SettingException e) {
            // missing object, no permission, unreachable store, resource not in the jar
            throw new CliException(ExitCodes.CONFIG, "feeds file " + problem(e));
        }
    }

    /** The message without the variable name it starts with (the CLI names its own source). */
    private static String problem(SettingException e) {
        return e.getMessage().substring(e.variable().length()).strip();
    }
}
