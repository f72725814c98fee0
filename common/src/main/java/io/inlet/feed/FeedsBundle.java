package io.inlet.feed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a user's feeds file into a function jar as {@code feeds.yaml} at the root of its classpath, the
 * default {@code INLET_FEEDS=classpath:feeds.yaml} of both clouds. Run by the functions' Maven build
 * ({@code -Dinlet.feeds=path/feeds.yaml}, the {@code bundle-feeds} profile) before the jar is packaged,
 * so a feeds file that would fail the function's start-up fails the build instead.
 *
 * <p>The file is validated as the function will load it. A feeds file that names payload schema files
 * is refused: read from the classpath, it has no directory to resolve them against.
 */
public final class FeedsBundle {

    /** The resource name the functions' default feeds location reads. */
    public static final String RESOURCE = "feeds.yaml";

    private FeedsBundle() {
    }

    /**
     * Validates {@code source} and copies it to {@code classesDir/feeds.yaml}.
     *
     * @return the number of file and message feeds bundled
     * @throws FeedConfigException naming the file when it is missing or invalid
     */
    public static int bundle(Path source, Path classesDir) {
        if (!Files.isRegularFile(source)) {
            throw new FeedConfigException(source.toAbsolutePath() + ": feeds file not found (-Dinlet.feeds)");
        }
        FeedRegistry registry = FeedRegistry.load(source);
        List<String> withSchemas = new ArrayList<>();
        registry.feeds().stream().filter(f -> !f.mapping().schemas().isEmpty()).forEach(f -> withSchemas.add(f.name()));
        registry.messageFeeds().stream().filter(f -> f.mapping() != null && !f.mapping().schemas().isEmpty())
                .forEach(f -> withSchemas.add(f.name()));
        if (!withSchemas.isEmpty()) {
            throw new FeedConfigException(source + ": feeds " + withSchemas + " name payload schema files, which a feeds file "
                    + "bundled in the jar cannot reach (it is read from the classpath): deploy the feeds file and its schemas "
                    + "as a path, or bundle a feeds file without schemas");
        }
        try {
            Files.createDirectories(classesDir);
            Files.copy(source, classesDir.resolve(RESOURCE), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + classesDir.resolve(RESOURCE), e);
        }
        return registry.feeds().size() + registry.messageFeeds().size();
    }

    /** {@code FeedsBundle <feeds file> <classes directory>}; a relative feeds path is relative to the working directory. */
    public static void main(String[] args) {
        if (args.length != 2 || args[0].isBlank()) {
            throw new IllegalArgumentException("usage: FeedsBundle <feeds file> <classes directory>");
        }
        Path source = Path.of(args[0]);
        int count = bundle(source, Path.of(args[1]));
        System.out.println("[inlet] bundled " + source + " (" + count + " feeds) as classpath:" + RESOURCE);
    }
}
