package io.inlet.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.source.ObjectRef;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Lambda SnapStart resumes many execution environments from one snapshot of an initialised JVM: what
 * was drawn before the snapshot is the same in all of them. Here a "restored environment" is a copy
 * of the primed {@link LeaseOwners}, field by field, as the snapshot holds it (counters and sets
 * copied by value, immutable values shared), and a restore runs {@link LeaseOwners#afterRestore()} as
 * the CRaC hook does.
 */
class SnapshotRestoreTest {

    static final ObjectRef REF = new ObjectRef("vendor-drop", "acme/orders.csv", "v1", "etag-1", 100L);
    static final Duration LEASE = Duration.ofMinutes(15);

    @Test
    void environmentsRestoredFromOneSnapshotNeverShareALeaseOwner() {
        LeaseOwners primed = new LeaseOwners("inlet-ingest:7");

        LeaseOwners a = restoredCopyOf(primed);
        LeaseOwners b = restoredCopyOf(primed);

        assertThat(a.begin()).isNotEqualTo(b.begin());
        assertThat(a.prefix()).isNotEqualTo(b.prefix());
    }

    @Test
    void anOwnerDrawnBeforeTheSnapshotIsNeverDrawnAgainAfterARestore() {
        LeaseOwners primed = new LeaseOwners("inlet-ingest:7");
        String drawnAtInit = primed.begin(); // say priming ran an attempt
        primed.end(drawnAtInit);

        LeaseOwners a = restoredCopyOf(primed);
        LeaseOwners b = restoredCopyOf(primed);

        assertThat(a.prefix()).isNotEqualTo(primed.prefix()).isNotEqualTo(b.prefix());
        assertThat(b.prefix()).isNotEqualTo(primed.prefix());
        assertThat(a.begin()).startsWith("inlet-ingest:7~");
    }

    @Test
    void aSiblingRestoredFromTheSameSnapshotWaitsForALiveLeaseInsteadOfTakingItOver() {
        FileLedger ledger = new FileLedger(new Transactions(TestDatabase.fresh()));
        LeaseOwners primed = new LeaseOwners("inlet-ingest:7");
        LeaseOwners a = restoredCopyOf(primed);
        LeaseOwners b = restoredCopyOf(primed);

        b.end(b.begin()); // B already handled a file since its restore
        String ownerA = a.begin();
        assertThat(ledger.claim(ClaimRequest.builder(REF, "acme", ownerA, LEASE)
                .owners(a).build())).isInstanceOf(Claim.Claimed.class);
        String ownerB = b.begin();

        assertThat(ledger.claim(ClaimRequest.builder(REF, "acme", ownerB, LEASE).owners(b).build()))
                .as("environment A's attempt is running: B must not take its lease over")
                .isInstanceOf(Claim.Busy.class);
    }

    /** An environment resumed from a snapshot of {@code primed}: its memory copied, then the restore hook run. */
    static LeaseOwners restoredCopyOf(LeaseOwners primed) {
        LeaseOwners copy = memoryCopyOf(primed);
        LeaseOwners.afterRestore();
        return copy;
    }

    private static LeaseOwners memoryCopyOf(LeaseOwners primed) {
        try {
            LeaseOwners copy = new LeaseOwners("overwritten");
            for (Field f : LeaseOwners.class.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) continue;
                f.setAccessible(true);
                f.set(copy, copyOfValue(f.get(primed)));
            }
            return copy;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object copyOfValue(Object value) {
        if (value instanceof AtomicLong n) return new AtomicLong(n.get());
        if (value instanceof Set s) {
            Set copy = ConcurrentHashMap.newKeySet();
            copy.addAll(s);
            return copy;
        }
        if (value == null || value instanceof String || value instanceof Number || value instanceof Record) return value;
        throw new AssertionError("no snapshot copy for a " + value.getClass());
    }
}
