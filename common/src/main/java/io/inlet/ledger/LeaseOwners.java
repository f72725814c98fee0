package io.inlet.ledger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lease owners of one process. Every ingestion attempt gets its own owner ({@code worker#n}),
 * so concurrent attempts in one JVM (a Cloud Run instance serving requests concurrently, threads)
 * never share a lease. A lease of this process whose attempt has ended — it failed and could not
 * release it, the database being down — may be taken over at once by a later attempt here: the
 * process knows that attempt is not running. Any other live lease waits for its expiry.
 */
public final class LeaseOwners {

    private final String prefix;
    private final AtomicLong attempts = new AtomicLong();
    private final Set<String> live = ConcurrentHashMap.newKeySet();

    /**
     * @param worker names the worker in the ledger (a log stream, a revision, a host); a random
     *               per-process part is added, because such names are not unique across processes
     *               (containers all run as pid 1) and only this process may take over its own leases
     */
    public LeaseOwners(String worker) {
        this.prefix = worker + "~" + java.util.UUID.randomUUID().toString().substring(0, 8) + "#";
    }

    /** A new owner for an attempt that starts now; call {@link #end} when it is over. */
    public String begin() {
        String owner = prefix + attempts.incrementAndGet();
        live.add(owner);
        return owner;
    }

    public void end(String owner) {
        live.remove(owner);
    }

    String prefix() {
        return prefix;
    }

    String[] running() {
        return live.toArray(String[]::new);
    }
}
