package io.inlet.aws.config;

import io.inlet.feed.FeedRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/** Loads the feeds file named by INLET_FEEDS: a bundled resource, a file, or an S3 object. */
public final class FeedsLocation {

    private FeedsLocation() {
    }

    /** True when the location is an S3 object, the one kind {@link #load} needs an S3 client for. */
    public static boolean inS3(String location) {
        return location.startsWith("s3://");
    }

    /** Loads and validates the feeds file; {@code s3} is only used (and may be null) unless {@link #inS3}. */
    public static FeedRegistry load(String location, S3Client s3) {
        if (location.startsWith("classpath:")) {
            String resource = location.substring("classpath:".length()).replaceFirst("^/", "");
            try (InputStream in = FeedsLocation.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new InvalidSettingException(FunctionSettings.FEEDS, "resource '" + resource + "' is not in the package");
                }
                return FeedRegistry.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), location);
            } catch (IOException e) {
                throw new UncheckedIOException(location, e);
            }
        }
        if (inS3(location)) {
            String rest = location.substring(5);
            int slash = rest.indexOf('/');
            String bucket = rest.substring(0, slash);
            String key = rest.substring(slash + 1);
            String yaml;
            try {
                yaml = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
            } catch (SdkException e) {
                throw new InvalidSettingException(FunctionSettings.FEEDS, "'" + location + "' could not be read: " + e.getMessage());
            }
            return FeedRegistry.parse(yaml, location);
        }
        Path path = Path.of(location);
        if (!Files.isRegularFile(path)) {
            throw new InvalidSettingException(FunctionSettings.FEEDS, "file '" + location + "' does not exist");
        }
        return FeedRegistry.load(path);
    }
}
