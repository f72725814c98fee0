package io.inlet.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Replays whole-path fuzz inputs (seed, crash or survey files) and prints each violation, or "ok",
 * without Jazzer: {@code java -cp ... io.inlet.fuzz.WholePathReplay FILE...} (docs/fuzzing.md).
 */
final class WholePathReplay {

    private WholePathReplay() {
    }

    public static void main(String[] args) throws IOException {
        int failed = 0;
        for (String arg : args) {
            List<Violation> violations = WholePathFuzzTest.run(Files.readAllBytes(Path.of(arg)));
            System.out.println(Path.of(arg).getFileName() + ": " + (violations.isEmpty() ? "ok" : ""));
            for (Violation v : violations) System.out.println("    " + v);
            if (!violations.isEmpty()) failed++;
        }
        System.out.println(failed + " of " + args.length + " inputs break the promise");
        System.exit(0);
    }
}
