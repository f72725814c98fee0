package io.inlet.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.Inlet;
import io.inlet.failure.Deadline;
import io.inlet.failure.RetryableException;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ledger.Claim;
import io.inlet.ledger.FileLedger;
import io.inlet.ledger.Leases;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import io.inlet.store.Transactions;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases given up early: by the holder on an interrupt, by an operator for a dead holder; a live one refused. */
class LeaseReleaseTest {

    @TempDir
    Path dir;
    OpsFixture fx;

    @BeforeEach
    void setUp() {
        fx = new OpsFixture(dir);
    }

    /** A worker elsewhere holds {@code ref} with a lease of {@code lease}. */
    long claimElsewhere(ObjectRef ref, Duration lease) {
        Claim claim = new FileLedger(new Transactions(fx.ds)).claim(io.inlet.ledger.ClaimRequest.builder(ref, "orders", "fn-host-7~ab12#1", lease).build());
        return ((Claim.Claimed) claim).fileId();
    }

    Leases.Unlock unlock(Inlet inlet, long id, boolean force, java.util.function.Predicate<String> dead) {
        return inlet.unlock(new Leases.UnlockRequest(id, "alice", "stuck file", force, Leases.Kind.UNLOCK), dead);
    }

    @Test
    void unlockRefusesALiveLeaseAndChangesNothing() throws Exception {
        Inlet inlet = fx.inlet(OpsFixture.FIXED, "cli");
        ObjectRef ref = fx.write("orders/a.csv", 3);
        long id = claimElsewhere(ref, Duration.ofMinutes(10));
        String before = fx.rows("SELECT lease_owner || ' ' || lease_expires_at FROM ingested_files").get(0);

        assertThat(unlock(inlet, id, false, owner -> false)).isInstanceOfSatisfying(Leases.Unlock.RefusedLive.class,
                r -> assertThat(r.holder()).isEqualTo("fn-host-7~ab12#1"));
        assertThat(fx.rows("SELECT lease_owner || ' ' || lease_expires_at FROM ingested_files")).containsExactly(before);
        assertThat(fx.count("SELECT count(*) FROM lease_releases")).isZero();
        assertThat(inlet.ingestFile(ref, fx.source, Deadline.none()).outcome()).isEqualTo(FileOutcome.IN_PROGRESS_ELSEWHERE);
    }

    /** Runbook "stuck file", as docs/operations.md tells it. */
    @Test
    void aStuckFileIsUnlockedWithForceAuditedAndTheNextRunLoadsItAtOnce() throws Exception {
        Inlet inlet = fx.inlet(OpsFixture.FIXED, "cli");
        ObjectRef ref = fx.write("orders/a.csv", 3);
        long id = claimElsewhere(ref, Duration.ofMinutes(10));

        Leases.Unlock forced = unlock(inlet, id, true, owner -> false);
        assertThat(forced).isInstanceOfSatisfying(Leases.Unlock.Released.class, r -> assertThat(r.wasLive()).isTrue());
        assertThat(fx.rows("SELECT kind || ' ' || lease_owner || ' ' || released_by || ' ' || reason FROM lease_releases"))
                .containsExactly("FORCED fn-host-7~ab12#1 alice stuck file");
        FileReport next = inlet.ingestFile(ref, fx.source, Deadline.none());
        assertThat(next.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(next.fileId()).isEqualTo(id);
    }

    @Test
    void anExpiredLeaseOrAHolderKnownDeadIsUnlockedWithoutForce() throws Exception {
        Inlet inlet = fx.inlet(OpsFixture.FIXED, "cli");
        long expired = claimElsewhere(fx.write("orders/a.csv", 3), Duration.ofSeconds(1));
        long dead = claimElsewhere(fx.write("orders/b.csv", 3), Duration.ofMinutes(10));
        Thread.sleep(1_100);

        assertThat(unlock(inlet, expired, false, owner -> false)).isInstanceOfSatisfying(Leases.Unlock.Released.class,
                r -> assertThat(r.wasLive()).isFalse());
        assertThat(unlock(inlet, dead, false, owner -> owner.startsWith("fn-host-7~"))).isInstanceOf(Leases.Unlock.Released.class);
        assertThat(fx.rows("SELECT kind FROM lease_releases ORDER BY release_id")).containsExactly("UNLOCK", "UNLOCK");
        assertThat(unlock(inlet, 9999, true, owner -> false)).isInstanceOf(Leases.Unlock.Unknown.class);
        inlet.ingestFile(fx.write("orders/c.csv", 1), fx.source, Deadline.none());
        long done = Long.parseLong(fx.rows("SELECT file_id FROM ingested_files WHERE object_key = 'orders/c.csv'").get(0));
        assertThat(unlock(inlet, done, true, owner -> false)).isInstanceOfSatisfying(Leases.Unlock.NotLeased.class,
                n -> assertThat(n.status()).isEqualTo("COMPLETED"));
    }

    /**
     * What the CLI's shutdown hook does on Ctrl-C or SIGTERM: the claim of the file in progress is
     * released (the checkpoint stays), the interrupted attempt can commit nothing more, and the next
     * run — with the default 5-minute lease — proceeds at once from the checkpoint.
     */
    @Test
    void releasingTheClaimsOfARunningIngestKeepsTheCheckpointAndTheNextRunResumesAtOnce() throws Exception {
        ObjectRef ref = fx.write("orders/big.csv", 5000);
        Inlet first = fx.inlet(OpsFixture.FIXED, "cli-1");
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        // reading stalls after 150 KB (the parser reads 64 KB chunks), once some batches were committed
        ObjectSource stalling = (r, from) -> new FilterInputStream(fx.source.open(r, from)) {
            long read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read > 150_000) {
                    stalled.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                int n = super.read(b, off, Math.min(len, 4096));
                read += Math.max(n, 0);
                return n;
            }
        };
        CompletableFuture<FileReport> running = CompletableFuture.supplyAsync(() -> first.ingestFile(ref, stalling, Deadline.none()));
        assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();
        // the read-ahead stalls; wait until the committer has committed what was read before it
        Thread.sleep(500);
        long checkpoint = fx.count("SELECT next_record FROM ingested_files");
        assertThat(checkpoint).isGreaterThan(1);

        List<Long> released = first.releaseClaims("SIGTERM");
        go.countDown();

        assertThat(released).hasSize(1);
        assertThatThrownBy(running::join).hasCauseInstanceOf(RetryableException.class);
        assertThat(fx.count("SELECT next_record FROM ingested_files")).as("the checkpoint stays").isEqualTo(checkpoint);
        assertThat(fx.rows("SELECT kind || ' ' || next_record FROM lease_releases")).containsExactly("RELEASE " + checkpoint);

        FileReport next = fx.inlet(OpsFixture.FIXED, "cli-2").ingestFile(ref, fx.source, Deadline.none());
        assertThat(next.outcome()).isEqualTo(FileOutcome.COMPLETED);
        assertThat(next.counts().read()).isEqualTo(5000);
        assertThat(fx.rows("SELECT from_record::text FROM ingest_slices")).containsExactly(String.valueOf(checkpoint));
        assertThat(fx.count("SELECT count(*) FROM order_events")).isEqualTo(5000);
        assertThat(fx.count("SELECT count(*) FROM outbox")).isEqualTo(5000);
    }
}
