package io.inlet.gcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the trigger payloads live: the project's own {@code events-samples/gcp/}, and Google's
 * reference payloads in {@code shared/samples/gcp/} beside the checkout when it exists.
 */
public final class Samples {

    private Samples() {
    }

    public static Path own() {
        return findUpwards(Path.of("events-samples", "gcp"))
                .orElseThrow(() -> new IllegalStateException("events-samples/gcp not found above " + Path.of("").toAbsolutePath()));
    }

    /** Google's reference payloads, or empty (tests then skip, saying so). */
    public static Optional<Path> shared() {
        String configured = System.getenv("INLET_SHARED_SAMPLES");
        if (configured != null) return Optional.of(Path.of(configured, "gcp")).filter(Files::isDirectory);
        return findUpwards(Path.of("shared", "samples", "gcp"));
    }

    public static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Path> findUpwards(Path relative) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve(relative);
            if (Files.isDirectory(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }
}
