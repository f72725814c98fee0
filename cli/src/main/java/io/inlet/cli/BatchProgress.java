package io.inlet.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The progress of a run over many objects, one line redrawn on a terminal: objects done, records,
 * records/s, bytes and an ETA from the byte rate. The closing summary line is printed always.
 */
final class BatchProgress implements AutoCloseable {

    private final PrintStream err;
    private final int objects;
    private final long totalBytes;
    private final LongSupplier bytes;
    private final LongSupplier records;
    private final LongSupplier done;
    private final long started = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;

    BatchProgress(PrintStream err, int objects, long totalBytes, LongSupplier bytes, LongSupplier records, LongSupplier done,
                  boolean redraw) {
        this.err = err;
        this.objects = objects;
        this.totalBytes = totalBytes;
        this.bytes = bytes;
        this.records = records;
        this.done = done;
        this.thread = new Thread(this::loop, "batch-progress");
        thread.setDaemon(true);
        if (redraw) thread.start();
    }

    private void loop() {
        while (running) {
            err.print("\r" + line(false) + "   ");
            err.flush();
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    String line(boolean last) {
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        long b = Math.min(bytes.getAsLong(), totalBytes);
        long r = records.getAsLong();
        String rate = String.format("%.0f records/s", r / seconds);
        String head = done.getAsLong() + "/" + objects + " objects, " + r + " records, " + rate + ", "
                + mib(b) + "/" + mib(totalBytes) + " MiB";
        if (last) return head + " in " + String.format("%.1f s", seconds);
        if (b <= 0) return head + ", ETA --";
        long eta = (long) ((totalBytes - b) / (b / seconds));
        return head + ", ETA " + clock(Duration.ofSeconds(eta));
    }

    private static String mib(long bytes) {
        return String.format("%.1f", bytes / 1048576.0);
    }

    private static String clock(Duration d) {
        return d.toHours() > 0 ? String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart())
                : String.format("%d:%02d", d.toMinutesPart(), d.toSecondsPart());
    }

    @Override
    public void close() {
        if (thread.isAlive()) {
            running = false;
            thread.interrupt();
            err.print("\r");
        }
        err.println("inlet: " + line(true));
    }
}
