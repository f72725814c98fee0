package io.inlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The core's packages follow the flow: a package may import only packages below it in
 * {@link #LAYERS}, never one above (an arrow running back up the flow). The root package
 * ({@code io.inlet.Inlet}, the façade) sits above them all. Reads the import lines of every main
 * source file, so a new back arrow fails the build with the file and the import named.
 */
class LayeringTest {

    /** Top of the flow first. A package not in this list fails the test until it is placed. */
    static final List<String> LAYERS = List.of(
            "verify",   // reads the ledger, store and feeds to check invariants
            "metrics",  // turns reports into meters
            "trigger",  // a delivery from any cloud, handled to a verdict
            "sweep",    // a bucket listing against the ledger: what no notification brought
            "read",     // events after a checkpoint, commit-safe; catch-up subscriptions
            "ingest",   // one file or message through the flow
            "feed",     // which feed takes a key or message, and how it maps
            "ledger",   // ingested_files: claims, checkpoints, outcomes
            "outbox",   // derived events out, in stream order
            "store",    // events, versions, rejects appended in one transaction
            "event",    // record -> event envelope, values checked
            "parse",    // bytes -> records
            "source",   // where the bytes come from
            "db",       // connections and migrations
            "failure"); // what kind of failure, and when to stop

    private static final Path MAIN = Path.of("src/main/java/io/inlet");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.inlet\\.([a-z]+)\\.", Pattern.MULTILINE);

    @Test
    void noImportRunsBackUpTheFlow() throws IOException {
        List<String> backArrows = new ArrayList<>();
        List<String> unplaced = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = MAIN.relativize(file);
                if (relative.getNameCount() == 1) {
                    continue; // the root façade may import any layer
                }
                String from = relative.getName(0).toString();
                int fromLayer = LAYERS.indexOf(from);
                if (fromLayer < 0) {
                    unplaced.add(from);
                    continue;
                }
                Matcher imports = IMPORT.matcher(read(file));
                while (imports.find()) {
                    String to = imports.group(1);
                    int toLayer = LAYERS.indexOf(to);
                    if (toLayer < 0) {
                        unplaced.add(to);
                    } else if (toLayer < fromLayer) {
                        backArrows.add(relative + " imports io.inlet." + to + " (" + to + " is above " + from + ")");
                    }
                }
            }
        }
        assertThat(unplaced).as("packages of common not placed in LayeringTest.LAYERS").isEmpty();
        assertThat(backArrows).as("imports that run back up the flow").isEmpty();
    }

    @Test
    void theScanSeesTheCore() throws IOException {
        // Guards the test itself: run from another directory it would find nothing and pass.
        try (Stream<Path> files = Files.walk(MAIN)) {
            assertThat(files.filter(f -> f.toString().endsWith(".java")).count()).isGreaterThan(100);
        }
        assertThat(IMPORT.matcher("import io.inlet.ingest.FileIngester;").find()).isTrue();
        assertThat(IMPORT.matcher("import static io.inlet.ingest.FileIngester.X;").find()).isTrue();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
