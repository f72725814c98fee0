package io.inlet.trigger;

import io.inlet.feed.FeedRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the feeds file is (INLET_FEEDS): {@code classpath:feeds.yaml} (bundled in the function's jar),
 * a file path, or an object {@code s3://bucket/key} / {@code gs://bucket/key} read through the
 * cloud's {@link BucketReader}. A location that cannot be read fails start-up with a
 * {@link SettingException} naming INLET_FEEDS.
 */
public record FeedsLocation(String location) {

    private static final String CLASSPATH = "classpath:";

    public FeedsLocation {
        Objects.requireNonNull(location, "location");
        String scheme = scheme(location);
        if (scheme != null) {
            String rest = location.substring(scheme.length() + 3);
            if (rest.indexOf('/') < 1 || rest.endsWith("/")) {
                throw new SettingException(EnvironmentVariables.FEEDS, "'" + location + "' is not " + scheme + "://bucket/key");
            }
        }
    }

    /** Reads INLET_FEEDS. */
    public static FeedsLocation from(EnvironmentVariables env) {
        return new FeedsLocation(env.required(EnvironmentVariables.FEEDS,
                "where the feeds file is: classpath:feeds.yaml, a path, s3://bucket/key or gs://bucket/key"));
    }

    /** The object store scheme ({@code s3}, {@code gs}) when the file is an object, else null. */
    public String bucketScheme() {
        return scheme(location);
    }

    /**
     * Loads and validates the feeds file.
     *
     * @param reader reads objects of the location's scheme; may be null unless {@link #bucketScheme()} is set
     */
    public FeedRegistry load(BucketReader reader) {
        if (location.startsWith(CLASSPATH)) return fromClasspath(location.substring(CLASSPATH.length()).replaceFirst("^/", ""));
        String scheme = bucketScheme();
        if (scheme != null) return fromBucket(scheme, reader);
        Path path = Path.of(location);
        if (!Files.isRegularFile(path)) {
            throw new SettingException(EnvironmentVariables.FEEDS, "file '" + location + "' does not exist");
        }
        return FeedRegistry.load(path);
    }

    private FeedRegistry fromClasspath(String resource) {
        try (InputStream in = FeedsLocation.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new SettingException(EnvironmentVariables.FEEDS, "resource '" + resource + "' is not in the package");
            }
            return FeedRegistry.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), location);
        } catch (IOException e) {
            throw new UncheckedIOException(location, e);
        }
    }

    private FeedRegistry fromBucket(String scheme, BucketReader reader) {
        if (reader == null || !scheme.equals(reader.scheme())) {
            throw new SettingException(EnvironmentVariables.FEEDS, "'" + location + "': this function cannot read "
                    + scheme + ":// objects");
        }
        String rest = location.substring(scheme.length() + 3);
        int slash = rest.indexOf('/');
        byte[] bytes;
        try {
            bytes = reader.read(rest.substring(0, slash), rest.substring(slash + 1));
        } catch (RuntimeException e) {
            throw new SettingException(EnvironmentVariables.FEEDS, "'" + location + "' could not be read: " + e.getMessage());
        }
        return FeedRegistry.parse(new String(bytes, StandardCharsets.UTF_8), location);
    }

    private static String scheme(String location) {
        if (location.startsWith("s3://")) return "s3";
        if (location.startsWith("gs://")) return "gs";
        return null;
    }
}
