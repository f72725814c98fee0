package io.inlet.testing;

import io.inlet.feed.FeedRegistry;
import java.nio.file.Files;
import java.nio.file.Path;

/** The project's events-samples folder, found from any module's working directory. */
public final class Samples {

    private Samples() {
    }

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("events-samples");
            if (Files.isDirectory(candidate)) return candidate;
            dir = dir.getParent();
        }
        throw new IllegalStateException("events-samples not found above " + Path.of("").toAbsolutePath());
    }

    /** The vendor files, laid out as keys of the {@code vendor-drop} bucket. */
    public static Path files() {
        return root().resolve("files");
    }

    public static FeedRegistry feeds() {
        return FeedRegistry.load(root().resolve("feeds.yaml"));
    }
}
