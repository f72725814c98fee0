package io.inlet.ledger;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lease owners of one process. Every ingestion attempt gets its own owner ({@code worker~r#n}),
 * so concurrent attempts in one JVM (a Cloud Run instance serving requests concurrently, threads)
 * never share a lease. A lease of this process whose attempt has ended — it failed and could not
 * release it, the database being down — may be taken over at once by a later attempt here: the
 * process knows that attempt is not running. Any other live lease waits for its expiry.
 *
 * <p>The random part {@code r} names this process's incarnation and is drawn when the first attempt
 * begins, never at construction, and drawn again after {@link #afterRestore()}: a Lambda SnapStart
 * snapshot is resumed as many execution environments, and a value drawn before it would be shared by
 * all of them — each would then take over its siblings' live leases as "its own ended ones".
 */
public final class LeaseOwners {

    /** Restores of this JVM from a snapshot seen so far (bumped by the restore hook). */
    private static final AtomicLong RESTORES = new AtomicLong();

    private final String worker;
    private final AtomicLong attempts = new AtomicLong();
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private volatile Incarnation incarnation;

    /** The owner prefix drawn for one incarnation of the process (between restores). */
    private record Incarnation(long restores, String prefix) {
    }

    /**
     * @param worker names the worker in the ledger (a log stream, a function version, a revision, a
     *               host); a random per-incarnation part is added, because such names are not unique
     *               across processes (containers all run as pid 1, restored snapshots are copies) and
     *               only this process may take over its own leases
     */
    public LeaseOwners(String worker) {
        this.worker = worker;
    }

    /**
     * Tells every {@code LeaseOwners} of this JVM that it was resumed from a snapshot: the next
     * attempt draws a new random part. Call it from the runtime's after-restore hook (CRaC).
     */
    public static void afterRestore() {
        RESTORES.incrementAndGet();
    }

    /** A new owner for an attempt that starts now; call {@link #end} when it is over. */
    public String begin() {
        String owner = prefix() + attempts.incrementAndGet();
        live.add(owner);
        return owner;
    }

    public void end(String owner) {
        live.remove(owner);
    }

    /** The prefix of this incarnation's owners, drawn on first use after construction or a restore. */
    String prefix() {
        long restores = RESTORES.get();
        Incarnation current = incarnation;
        if (current == null || current.restores() != restores) {
            synchronized (this) {
                current = incarnation;
                if (current == null || current.restores() != restores) {
                    current = new Incarnation(restores, worker + "~" + UUID.randomUUID().toString().substring(0, 8) + "#");
                    incarnation = current;
                }
            }
        }
        return current.prefix();
    }

    String[] running() {
        return live.toArray(String[]::new);
    }
}
