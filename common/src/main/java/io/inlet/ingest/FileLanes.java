package io.inlet.ingest;

import io.inlet.store.TransactionRunner;
import io.inlet.store.Transactions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lanes of one file attempt, and where each commits: lane 0 on the attempt's own connection and
 * thread, every other lane on a connection and a thread of its own. One PostgreSQL backend runs one
 * statement on one core, and the append statement is most of a file's time, so a file whose streams
 * are split between lanes appends on several cores at once (docs/benchmarks.md). Each lane's share
 * of a batch is its own transaction; the batch is done when every lane's is, so the lanes move
 * through the file together and memory stays bounded by the batch.
 *
 * <p>A failed lane does not stop the others' transactions halfway: the batch waits for all of them,
 * then the first failure is rethrown (the others added as suppressed). The lanes that committed
 * have their positions in the ledger, so a resumed attempt skips their records.
 */
final class FileLanes implements AutoCloseable {

    /** Commits one lane's share of a batch through {@code db}. */
    @FunctionalInterface
    interface Commit {
        void run(int lane, TransactionRunner db, LaneBatch batch);
    }

    private final TransactionRunner first;
    private final List<Transactions.Session> own = new ArrayList<>();
    private final ExecutorService threads;

    FileLanes(int count, TransactionRunner first, Transactions tx, String name) {
        if (count < 1) throw new IllegalArgumentException("a file needs at least one lane: " + count);
        this.first = first;
        for (int i = 1; i < count; i++) own.add(tx.session());
        AtomicInteger next = new AtomicInteger(1);
        threads = count == 1 ? null : Executors.newFixedThreadPool(count - 1, r -> {
            Thread t = new Thread(r, name + "-lane-" + next.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /** Commits every lane's share of {@code batch} that has records, the lanes at once; returns when all are done. */
    void commit(FileBatch batch, Commit commit) {
        List<Future<?>> others = new ArrayList<>();
        for (int lane = 1; lane < batch.lanes.length; lane++) {
            LaneBatch share = batch.lanes[lane];
            if (share.read == 0) continue;
            int l = lane;
            TransactionRunner db = own.get(lane - 1);
            others.add(threads.submit(() -> commit.run(l, db, share)));
        }
        Throwable failure = null;
        if (batch.lanes[0].read > 0) {
            try {
                commit.run(0, first, batch.lanes[0]);
            } catch (Throwable t) {
                failure = t;
            }
        }
        boolean interrupted = false;
        for (Future<?> f : others) {
            // wait for every lane even when interrupted: a lane's connection must not be closed under it
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) failure = e.getCause(); else failure.addSuppressed(e.getCause());
                    break;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new IllegalStateException("a lane failed: " + failure, failure);
    }

    /** Stops the lane threads and closes the lanes' own connections. */
    @Override
    public void close() {
        if (threads != null) threads.shutdownNow();
        for (Transactions.Session s : own) s.close();
    }
}
