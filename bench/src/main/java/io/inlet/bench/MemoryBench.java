package io.inlet.bench;

import io.inlet.db.DatabaseSettings;
import io.inlet.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Memory does not grow with file size: for each size, generates an orders file and ingests it (outbox
 * feed) in a CHILD JVM started with {@code -Xmx256m} on this JVM's classpath ({@link MemoryIngest}),
 * against a fresh database on the embedded server. Reports the child's live heap after GC, heap pool
 * peaks and its peak RSS: VmHWM from {@code /proc/<pid>/status}, sampled by this process every 100 ms
 * and read by the child at the end.
 *
 * <p>Settings (system properties): bench.sizesMb ("100,400"), bench.noteChars (900: rows of about
 * 1 KB), bench.xmx ("256m"), bench.dir (a temporary directory; files are deleted after each size).
 */
public final class MemoryBench {

    /** One child run. */
    record Run(long sizeBytes, long rows, String childResult, long sampledVmHwmKib, double wallSeconds) {
    }

    private MemoryBench() {
    }

    public static void main(String[] args) throws Exception {
        String xmx = System.getProperty("bench.xmx", "256m");
        int noteChars = Integer.getInteger("bench.noteChars", 900);
        String dirSetting = System.getProperty("bench.dir");
        Path dir = dirSetting == null ? Files.createTempDirectory("inlet-memory-bench") : Path.of(dirSetting);
        System.out.println("memory bench: child JVM -Xmx" + xmx + "; server PostgreSQL " + AppendBench.serverVersion()
                + "; JVM " + System.getProperty("java.version"));
        List<Run> runs = new ArrayList<>();
        for (String mb : System.getProperty("bench.sizesMb", "100,400").split("\\s*,\\s*")) {
            runs.add(run(dir, Long.parseLong(mb) * 1_000_000L, noteChars, xmx));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%10s %9s %8s  %s%n", "file MB", "rows", "wall s", "child (sampled VmHWM)");
        for (Run r : runs) {
            System.out.printf(Locale.ROOT, "%10.1f %9d %8.1f  %s (sampled VmHWM %d KiB)%n", r.sizeBytes() / 1e6, r.rows(),
                    r.wallSeconds(), r.childResult(), r.sampledVmHwmKib());
        }
    }

    static Run run(Path dir, long bytes, int noteChars, String xmx) throws Exception {
        long rows = OrdersCsv.rowsForSize(bytes, noteChars);
        String key = "orders/memory-" + bytes / 1_000_000 + "mb.csv";
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        long size = new OrdersCsv(rows, (int) Math.max(10, rows / 8), noteChars, 7L).write(file);
        System.out.printf(Locale.ROOT, "generated %s: %d rows, %.1f MB%n", key, rows, size / 1e6);
        DataSource ds = TestDatabase.fresh(IngestBench.TABLE);
        DatabaseSettings db = TestDatabase.settingsFor(ds);
        try {
            Run run = child(dir, key, db, xmx, size, rows);
            System.out.println(run.childResult());
            if (!run.childResult().contains("outcome=COMPLETED") || !run.childResult().contains("appended=" + rows + " ")) {
                throw new IllegalStateException("the child did not ingest all " + rows + " rows: " + run.childResult());
            }
            IngestBench.verify(ds, rows, rows, null, "memory bench " + key);
            return run;
        } finally {
            AppendBench.drop(ds);
            Files.delete(file);
        }
    }

    /**
     * This JVM's application classpath: under {@code exec:java} the project's classes are on the
     * plugin's URL class loader, not on {@code java.class.path} (which is Maven's own).
     */
    static String classPath() {
        if (MemoryBench.class.getClassLoader() instanceof java.net.URLClassLoader loader && loader.getURLs().length > 0) {
            return java.util.Arrays.stream(loader.getURLs()).map(u -> {
                try {
                    return Path.of(u.toURI()).toString();
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        }
        return System.getProperty("java.class.path");
    }

    static Run child(Path dir, String key, DatabaseSettings db, String xmx, long size, long rows) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + xmx, "-cp", classPath(),
                MemoryIngest.class.getName(), db.url(), db.user() == null ? "" : db.user(),
                db.password() == null ? "" : db.password(), dir.toString(), key).redirectErrorStream(true);
        long t0 = System.nanoTime();
        Process p = pb.start();
        AtomicLong sampled = new AtomicLong(-1);
        Path status = Path.of("/proc/" + p.pid() + "/status");
        Thread sampler = new Thread(() -> {
            while (p.isAlive()) {
                try {
                    for (String l : Files.readAllLines(status)) {
                        if (l.startsWith("VmHWM:")) sampled.accumulateAndGet(Long.parseLong(l.replaceAll("[^0-9]", "")), Math::max);
                    }
                    Thread.sleep(100);
                } catch (IOException | RuntimeException e) {
                    return; // the child has exited between isAlive and the read
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "vmhwm-sampler");
        sampler.setDaemon(true);
        sampler.start();
        String result = null;
        java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) result = line.substring(7);
                tail.addLast(line);
                if (tail.size() > 20) tail.removeFirst();
            }
        }
        int exit = p.waitFor();
        sampler.join(1000);
        if (exit != 0 || result == null) {
            throw new IllegalStateException("child JVM exited " + exit + " without a result; its last output:\n"
                    + String.join("\n", tail));
        }
        return new Run(size, rows, result, sampled.get(), (System.nanoTime() - t0) / 1e9);
    }
}
