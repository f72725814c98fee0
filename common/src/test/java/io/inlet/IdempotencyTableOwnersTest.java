package io.inlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each idempotency table has one owner class, the only one that writes it: a write from anywhere
 * else could break the owner's contract (a lease, the processed-once check) unseen. Reads the main
 * sources (Java and SQL, migrations aside) of every module and fails naming the file that inserts
 * into, updates, deletes from, merges into or truncates a table outside its owner.
 */
class IdempotencyTableOwnersTest {

    /** Table -> the one source file that may write it (relative to the repository root). */
    static final Map<String, String> OWNERS = Map.of(
            "ingested_files", "common/src/main/java/io/inlet/ledger/FileLedger.java",
            "processed_messages", "common/src/main/java/io/inlet/ledger/MessageLedger.java");

    private static final Path ROOT = Path.of("..");
    private static final Pattern WRITE = Pattern.compile(
            "\\b(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM|MERGE\\s+INTO|TRUNCATE(?:\\s+TABLE)?)\\s+(?:ONLY\\s+)?"
                    + "(?:[a-z_]+\\.)?(" + String.join("|", OWNERS.keySet()) + ")\\b",
            Pattern.CASE_INSENSITIVE);

    @Test
    void nothingButItsOwnerWritesAnIdempotencyTable() throws IOException {
        List<String> trespasses = new ArrayList<>();
        Map<String, Integer> ownerWrites = new TreeMap<>();
        for (Path file : mainSources()) {
            String relative = ROOT.relativize(file).toString().replace('\\', '/');
            Matcher m = WRITE.matcher(read(file));
            while (m.find()) {
                String table = m.group(2).toLowerCase(java.util.Locale.ROOT);
                if (OWNERS.get(table).equals(relative)) {
                    ownerWrites.merge(table, 1, Integer::sum);
                } else {
                    trespasses.add(relative + ": " + m.group(1).replaceAll("\\s+", " ") + " " + table
                            + " (only " + OWNERS.get(table) + " writes it)");
                }
            }
        }
        assertThat(trespasses).as("writes of an idempotency table outside its owner").isEmpty();
        // guards the scan itself: run from another directory, or with a broken pattern, it would pass on nothing
        assertThat(ownerWrites.keySet()).containsExactlyInAnyOrderElementsOf(OWNERS.keySet());
    }

    @Test
    void theScanRecognisesEachKindOfWrite() {
        for (String sql : List.of("INSERT INTO ingested_files (a) VALUES (1)", "update inlet.processed_messages set x = 1",
                "DELETE FROM\n   ingested_files WHERE", "TRUNCATE processed_messages", "MERGE INTO inlet.ingested_files f")) {
            assertThat(WRITE.matcher(sql).find()).as(sql).isTrue();
        }
        for (String sql : List.of("SELECT * FROM ingested_files", "UPDATE ingested_files_archive SET x = 1",
                "DELETE FROM ingest_lanes", "JOIN processed_messages p")) {
            assertThat(WRITE.matcher(sql).find()).as(sql).isFalse();
        }
    }

    /** Java and SQL under every module's src/main, except Flyway migrations (the schema's own history). */
    private static List<Path> mainSources() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> {
                        String s = f.toString().replace('\\', '/');
                        return s.contains("/src/main/") && !s.contains("/db/migration/") && !s.contains("/target/")
                                && !s.contains("/node_modules/") && (s.endsWith(".java") || s.endsWith(".sql"));
                    })
                    .toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
