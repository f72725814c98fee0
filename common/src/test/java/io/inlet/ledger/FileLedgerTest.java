package io.inlet.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.ingest.Counts;
import io.inlet.parse.ResumePoint;
import io.inlet.source.ObjectRef;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FileLedgerTest {

    static final ObjectRef REF = new ObjectRef("vendor-drop", "acme/orders.csv", "v1", "etag-1", 100L);
    static final Duration LEASE = Duration.ofMinutes(5);

    Transactions tx;
    FileLedger ledger;

    @BeforeEach
    void database() {
        DataSource ds = TestDatabase.fresh();
        tx = new Transactions(ds);
        ledger = new FileLedger(tx);
    }

    @Test
    void aSecondClaimerIsTurnedAwayWhileTheLeaseLives() {
        Claim first = ledger.claim(REF, "acme", null, "worker-a", LEASE);
        Claim second = ledger.claim(REF, "acme", null, "worker-b", LEASE);
        assertThat(first).isInstanceOf(Claim.Claimed.class);
        assertThat(second).isInstanceOfSatisfying(Claim.Busy.class, b -> assertThat(b.leaseOwner()).isEqualTo("worker-a"));
    }

    @Test
    void anExpiredLeaseIsTakenOverFromTheCheckpointAndTheOldWorkerCannotCommit() {
        Claim.Claimed a = (Claim.Claimed) ledger.claim(REF, "acme", null, "worker-a", Duration.ofSeconds(1));
        tx.inTransaction(c -> {
            ledger.checkpoint(c, a.fileId(), "worker-a", new ResumePoint(11, 12, 500), new Counts(10, 9, 0, 0, 1),
                    "line 3: bad", Duration.ofMillis(1));
            return null;
        });
        Claim.Claimed b = (Claim.Claimed) ledger.claim(REF, "acme", null, "worker-b", LEASE);
        assertThat(b.fileId()).isEqualTo(a.fileId());
        assertThat(b.resumeFrom()).isEqualTo(new ResumePoint(11, 12, 500));
        assertThat(b.countsSoFar()).isEqualTo(new Counts(10, 9, 0, 0, 1));
        assertThat(b.resumed()).isTrue();
        assertThatThrownBy(() -> tx.inTransaction(c -> {
            ledger.checkpoint(c, a.fileId(), "worker-a", new ResumePoint(21, 22, 900), new Counts(10, 10, 0, 0, 0),
                    null, LEASE);
            return null;
        })).isInstanceOf(LeaseLostException.class).hasMessageContaining("worker-a");
    }

    @Test
    void aFinishedFileIsReportedFinishedOnRedelivery() {
        Claim.Claimed a = (Claim.Claimed) ledger.claim(REF, "acme", null, "worker-a", LEASE);
        tx.inTransaction(c -> ledger.finish(c, a.fileId(), "worker-a", "COMPLETED", "abc", null, null,
                Duration.ofMillis(5), new SliceRecord(0, ResumePoint.START, new ResumePoint(1, 1, 0), Instant.now())));
        assertThat(ledger.claim(REF, "acme", null, "worker-b", LEASE))
                .isInstanceOfSatisfying(Claim.Finished.class, f -> assertThat(f.status()).isEqualTo("COMPLETED"));
    }

    @Test
    void theSameKeyWithNewContentIsANewVersion() {
        Claim.Claimed a = (Claim.Claimed) ledger.claim(REF, "acme", null, "worker-a", LEASE);
        Claim b = ledger.claim(new ObjectRef("vendor-drop", "acme/orders.csv", "v2", "etag-2", 120L), "acme", null,
                "worker-a", LEASE);
        assertThat(b).isInstanceOfSatisfying(Claim.Claimed.class, c -> assertThat(c.fileId()).isNotEqualTo(a.fileId()));
    }

    @Test
    void anOlderNotificationBySequencerIsStale() {
        ObjectRef newer = new ObjectRef("vendor-drop", "acme/x.csv", null, "etag-new", 1L);
        ObjectRef older = new ObjectRef("vendor-drop", "acme/x.csv", null, "etag-old", 1L);
        assertThat(ledger.claim(newer, "acme", "0055AED6DCD90281E6", "w", LEASE)).isInstanceOf(Claim.Claimed.class);
        // shorter sequencer is left-padded: 0A... < 0055... is false numerically, so compare as hex numbers
        assertThat(ledger.claim(older, "acme", "0055AED6DCD90281E5", "w", LEASE)).isInstanceOf(Claim.Stale.class);
        assertThat(ledger.claim(new ObjectRef("vendor-drop", "acme/x.csv", null, "etag-3", 1L), "acme",
                "55AED6DCD90281E7", "w", LEASE)).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    void attemptsOfOneProcessNeverShareALeaseAndAnEndedOnesLeaseIsTakenOverAtOnce() {
        LeaseOwners owners = new LeaseOwners("instance-1");
        LeaseOwners otherProcess = new LeaseOwners("instance-1"); // same worker name, another JVM
        String first = owners.begin();
        assertThat(ledger.claim(REF, "acme", null, first, LEASE, null, owners)).isInstanceOf(Claim.Claimed.class);
        String second = owners.begin();
        assertThat(ledger.claim(REF, "acme", null, second, LEASE, null, owners))
                .as("the first attempt is still running").isInstanceOf(Claim.Busy.class);
        owners.end(first); // it failed and could not release its lease (say, the database was down)
        String fromElsewhere = otherProcess.begin();
        assertThat(ledger.claim(REF, "acme", null, fromElsewhere, LEASE, null, otherProcess))
                .as("another process waits for the expiry").isInstanceOf(Claim.Busy.class);
        assertThat(ledger.claim(REF, "acme", null, second, LEASE, null, owners))
                .as("this process knows the attempt ended").isInstanceOf(Claim.Claimed.class);
    }
}
