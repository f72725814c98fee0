package io.inlet.cli;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/** A one-line progress bar on a terminal (redrawn with CR); silent when output is not a terminal. */
final class ProgressBar implements AutoCloseable {

    private final PrintStream err;
    private final String label;
    private final long total;
    private final LongSupplier done;
    private final Thread thread;
    private volatile boolean running = true;

    ProgressBar(PrintStream err, String label, long total, LongSupplier done, boolean enabled) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.done = done;
        this.thread = new Thread(this::loop, "progress");
        this.thread.setDaemon(true);
        if (enabled) thread.start();
    }

    static boolean onTerminal() {
        return System.console() != null && System.getenv("CI") == null;
    }

    private void loop() {
        while (running) {
            draw();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void draw() {
        long d = Math.min(done.getAsLong(), total);
        int pct = total <= 0 ? 100 : (int) (d * 100 / total);
        int filled = pct * 30 / 100;
        err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(30 - filled) + "] " + pct + "% "
                + (d >> 20) + "/" + (total >> 20) + " MiB ");
        err.flush();
    }

    @Override
    public void close() {
        if (thread.isAlive()) {
            running = false;
            thread.interrupt();
            draw();
            err.println();
        }
    }
}
