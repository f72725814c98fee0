package io.inlet.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.inlet.Inlet;
import io.inlet.db.Database;
import io.inlet.db.DatabaseSettings;
import io.inlet.failure.Deadline;
import io.inlet.ingest.FileReport;
import io.inlet.source.LocalFileSource;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The child JVM of {@link MemoryBench}: ingests one file with the outbox feed of {@link IngestBench}
 * and prints one {@code RESULT} line: outcome, counts, seconds, the largest heap in use after a
 * collection (the live set: what must fit into -Xmx), the sum of the heap pools' peak usage (what
 * the heap actually grew to, garbage included), and VmHWM (peak resident set) from /proc/self/status.
 *
 * <p>Arguments: database URL, user, password, source root directory, object key.
 */
public final class MemoryIngest {

    private MemoryIngest() {
    }

    public static void main(String[] args) throws Exception {
        AtomicLong liveAfterGc = new AtomicLong();
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
                var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
                liveAfterGc.accumulateAndGet(used, Math::max);
            }, null, null);
        }
        DatabaseSettings db = new DatabaseSettings(args[0], args[1], args[2]);
        LocalFileSource source = new LocalFileSource(Path.of(args[3]));
        Inlet inlet = Inlet.builder().dataSource(Database.dataSource(db)).feeds(IngestBench.feeds(true))
                .workerId("memory-bench").build();
        long t0 = System.nanoTime();
        FileReport report = inlet.ingestFile(source.refFor(LocalFileSource.BUCKET, Path.of(args[3]).resolve(args[4])),
                source, Deadline.none());
        double seconds = (System.nanoTime() - t0) / 1e9;
        long heapPeaks = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getPeakUsage).mapToLong(MemoryUsage::getUsed).sum();
        System.out.printf(Locale.ROOT, "RESULT outcome=%s read=%d appended=%d seconds=%.2f liveAfterGcMiB=%.1f"
                        + " heapPoolPeaksMiB=%.1f maxHeapMiB=%d vmHwmKiB=%d%n",
                report.outcome(), report.counts().read(), report.counts().appended(), seconds, liveAfterGc.get() / 1048576.0,
                heapPeaks / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576, vmHwmKib());
        System.exit(0); // no lingering non-daemon thread may keep the child (and the bench) waiting
    }

    /** Peak resident set size of this process in KiB, or -1 where /proc is absent. */
    static long vmHwmKib() throws java.io.IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) return -1;
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1L);
    }
}
