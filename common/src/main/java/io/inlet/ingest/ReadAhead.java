package io.inlet.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * Assembles a file's batches (read, parse, map) on a reader thread one batch ahead of the caller,
 * who commits them: while batch k is in the database, batch k+1 is being parsed, so the two halves
 * of the work overlap instead of taking turns (docs/benchmarks.md). At most two batches exist at
 * once: the one committing, and the next, being assembled or waiting to be handed over (a hand-off,
 * no queue: reading is several times faster than committing, so a queued third batch would only
 * cost memory), so memory stays bounded by the batch size.
 *
 * <p>Batches come out in file order. A failure of the reader thread (an I/O error, a file format
 * error, anything thrown) is rethrown, as the same exception, by the {@link #next()} call that would
 * have returned the batch it was assembling; the batches before it are delivered first. The reader
 * stops after a batch that ended at the deadline or at the end of the file; {@link #close()} stops it
 * early (the caller failed or stopped at its deadline) and waits for it to let go of the stream.
 */
final class ReadAhead implements AutoCloseable {

    /** Assembles the next batch from the reader's current position; never null. */
    @FunctionalInterface
    interface Assembler {
        FileBatch next() throws IOException;
    }

    private record Failure(Throwable error) {
    }

    private static final Object STOPPED = new Object();
    // bounded: at a deadline the caller has its slice recorded already, and must not spend the
    // invocation's safety margin waiting for a read that ignores interrupts (a socket)
    private static final long JOIN_MILLIS = 2_000;

    private final BlockingQueue<Object> queue = new SynchronousQueue<>();
    private final Thread thread;
    private volatile boolean cancelled;
    private boolean stopped;

    ReadAhead(String name, Assembler assembler) {
        thread = new Thread(() -> produce(assembler), name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The next batch in file order, waiting for the reader if needed; null once the reader has
     * stopped (after a batch that ended at the deadline or the end of the file).
     */
    FileBatch next() throws IOException {
        if (stopped) return null;
        Object item;
        try {
            while ((item = queue.poll(100, TimeUnit.MILLISECONDS)) == null) {
                // a reader thread that died without handing anything over (say, out of memory) must
                // not leave the caller waiting for ever
                if (!thread.isAlive() && queue.isEmpty()) {
                    stopped = true;
                    throw new IllegalStateException("the read-ahead thread " + thread.getName() + " ended without a batch");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next batch", e);
        }
        if (item == STOPPED) {
            stopped = true;
            return null;
        }
        if (item instanceof Failure f) {
            stopped = true;
            Throwable t = f.error();
            if (t instanceof IOException io) throw io;
            if (t instanceof RuntimeException re) throw re;
            if (t instanceof Error err) throw err;
            throw new UncheckedIOException(new IOException(t));
        }
        return (FileBatch) item;
    }

    private void produce(Assembler assembler) {
        try {
            while (!cancelled) {
                FileBatch batch = assembler.next();
                if (!hand(batch)) return;
                if (batch.end != FileBatch.End.FULL) break;
            }
            hand(STOPPED);
        } catch (Throwable t) {
            if (!cancelled) hand(new Failure(t));
        }
    }

    // Waits for room in the queue; gives up (false) when the caller has closed.
    private boolean hand(Object item) {
        try {
            while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                if (cancelled) return false;
            }
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Stops the reader thread and waits (bounded) for it to end; batches not taken are dropped. */
    @Override
    public void close() {
        cancelled = true;
        queue.clear();
        thread.interrupt();
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
