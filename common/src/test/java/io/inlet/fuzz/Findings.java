package io.inlet.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where violations go. By default the first input with a violation fails the fuzz test (Jazzer
 * keeps the input as a crash file). In survey mode (system property {@code inlet.fuzz.survey} = a
 * directory) the fuzzer keeps going: the first input of each distinct signature is saved there as
 * a reproducer ({@code <n>.bin}, a seed file as is), listed in {@code findings.txt}, and
 * {@code counts.txt} tallies inputs per signature.
 */
final class Findings {

    private static final String SURVEY = System.getProperty("inlet.fuzz.survey", System.getenv("INLET_FUZZ_SURVEY"));
    private static final Map<String, Integer> COUNTS = new ConcurrentHashMap<>();
    private static int inputs;

    private Findings() {
    }

    static synchronized void report(String test, byte[] input, List<Violation> violations) {
        inputs++;
        if (SURVEY == null || SURVEY.isBlank()) {
            if (!violations.isEmpty()) {
                StringBuilder sb = new StringBuilder("the promise is broken (" + violations.size() + "):");
                for (Violation v : violations) sb.append("\n  - ").append(v);
                throw new AssertionError(sb.toString());
            }
            return;
        }
        try {
            Path dir = Path.of(SURVEY, test);
            Files.createDirectories(dir);
            for (Violation v : violations) {
                if (COUNTS.merge(v.signature(), 1, Integer::sum) == 1) {
                    int n = COUNTS.size();
                    Files.write(dir.resolve(n + ".bin"), input);
                    String detail = v.detail().length() > 600 ? v.detail().substring(0, 600) + "..." : v.detail();
                    Files.writeString(dir.resolve("findings.txt"), n + ".bin | " + v.signature() + " | "
                            + detail.replace('\n', ' ') + "\n", StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            }
            if (!violations.isEmpty() || inputs % 100 == 0) {
                StringBuilder sb = new StringBuilder("inputs " + inputs + "\n");
                new TreeMap<>(COUNTS).forEach((k, c) -> sb.append(c).append('\t').append(k).append('\n'));
                Files.writeString(dir.resolve("counts.txt"), sb.toString(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
