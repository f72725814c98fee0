package io.inlet.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The payload folders tests read: the project's own and the shared reference set (may be absent). */
public final class SamplePayloads {

    /** events-samples/aws of this checkout (tests run in functions-aws/). */
    public static final Path OWN = Path.of("..", "events-samples", "aws");
    /** ../shared/samples/aws beside the checkout; absent outside CI and the workstation. */
    public static final Path SHARED = locateShared();

    private SamplePayloads() {
    }

    private static Path locateShared() {
        String override = System.getenv("INLET_SHARED_SAMPLES");
        if (override != null) return Path.of(override, "aws");
        for (Path candidate : List.of(Path.of("..", "..", "shared", "samples", "aws"),
                Path.of("..", "..", "..", "shared", "samples", "aws"), Path.of("/work/shared/samples/aws"))) {
            if (Files.isDirectory(candidate)) return candidate;
        }
        return Path.of("..", "..", "shared", "samples", "aws");
    }

    public static List<Path> jsonFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
