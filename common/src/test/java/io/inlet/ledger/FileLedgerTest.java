package io.inlet.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.inlet.source.ObjectSequencer.s3;

import io.inlet.ledger.Counts;
import io.inlet.parse.ResumePoint;
import io.inlet.source.ObjectRef;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import io.inlet.source.ObjectSequencer;
import io.inlet.source.ObjectSequencerTest;
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
        Claim first = ledger.claim(ClaimRequest.builder(REF, "acme", "worker-a", LEASE).build());
        Claim second = ledger.claim(ClaimRequest.builder(REF, "acme", "worker-b", LEASE).build());
        assertThat(first).isInstanceOf(Claim.Claimed.class);
        assertThat(second).isInstanceOfSatisfying(Claim.Busy.class, b -> assertThat(b.leaseOwner()).isEqualTo("worker-a"));
    }

    @Test
    void anExpiredLeaseIsTakenOverFromTheCheckpointAndTheOldWorkerCannotCommit() {
        Claim.Claimed a = (Claim.Claimed) ledger.claim(ClaimRequest.builder(REF, "acme",
                "worker-a", Duration.ofSeconds(1)).build());
        tx.inTransaction(c -> {
            ledger.checkpoint(c, CheckpointRequest.builder(a.fileId(), "worker-a", new ResumePoint(11, 12, 500),
                    new Counts(10, 9, 0, 0, 1), Duration.ofMillis(1)).firstError("line 3: bad", null).build());
            return null;
        });
        Claim.Claimed b = (Claim.Claimed) ledger.claim(ClaimRequest.builder(REF, "acme", "worker-b", LEASE).build());
        assertThat(b.fileId()).isEqualTo(a.fileId());
        assertThat(b.resumeFrom()).isEqualTo(new ResumePoint(11, 12, 500));
        assertThat(b.countsSoFar()).isEqualTo(new Counts(10, 9, 0, 0, 1));
        assertThat(b.resumed()).isTrue();
        assertThatThrownBy(() -> tx.inTransaction(c -> {
            ledger.checkpoint(c, CheckpointRequest.builder(a.fileId(), "worker-a", new ResumePoint(21, 22, 900),
                    new Counts(10, 10, 0, 0, 0), LEASE).build());
            return null;
        })).isInstanceOf(LeaseLostException.class).hasMessageContaining("worker-a");
    }

    @Test
    void aFinishedFileIsReportedFinishedOnRedelivery() {
        Claim.Claimed a = (Claim.Claimed) ledger.claim(ClaimRequest.builder(REF, "acme", "worker-a", LEASE).build());
        tx.inTransaction(c -> ledger.finish(c, FinishRequest.builder(a.fileId(), "worker-a", FileStatus.COMPLETED,
                Duration.ofMillis(5), new SliceRecord(0, ResumePoint.START, new ResumePoint(1, 1, 0), Instant.now()))
                .sha256("abc").build()));
        assertThat(ledger.claim(ClaimRequest.builder(REF, "acme", "worker-b", LEASE).build()))
                .isInstanceOfSatisfying(Claim.Finished.class, f -> assertThat(f.status()).isEqualTo(FileStatus.COMPLETED));
    }

    @Test
    void theSameKeyWithNewContentIsANewVersion() {
        Claim.Claimed a = (Claim.Claimed) ledger.claim(ClaimRequest.builder(REF, "acme", "worker-a", LEASE).build());
        Claim b = ledger.claim(ClaimRequest.builder(new ObjectRef("vendor-drop", "acme/orders.csv", "v2", "etag-2", 120L), "acme",
                "worker-a", LEASE).build());
        assertThat(b).isInstanceOfSatisfying(Claim.Claimed.class, c -> assertThat(c.fileId()).isNotEqualTo(a.fileId()));
    }

    @Test
    void anOlderNotificationBySequencerIsStale() {
        ObjectRef newer = new ObjectRef("vendor-drop", "acme/x.csv", null, "etag-new", 1L);
        ObjectRef older = new ObjectRef("vendor-drop", "acme/x.csv", null, "etag-old", 1L);
        assertThat(ledger.claim(ClaimRequest.builder(newer, "acme", "w", LEASE)
                .sequencer(s3("0055AED6DCD90281E6")).build())).isInstanceOf(Claim.Claimed.class);
        assertThat(ledger.claim(ClaimRequest.builder(older, "acme", "w", LEASE)
                .sequencer(s3("0055AED6DCD90281E5")).build())).isInstanceOf(Claim.Stale.class);
        // S3's rule right-pads the shorter one: "0055AED6DCD90281E" -> "0055AED6DCD90281E0" < "...E6", older although
        // left-padding would call it newer; "55AED6DCD90281E7" -> "55AED6DCD90281E700" > "0055...", newer
        assertThat(ledger.claim(ClaimRequest.builder(new ObjectRef("vendor-drop", "acme/x.csv", null, "etag-2", 1L), "acme", "w", LEASE)
                .sequencer(s3("0055AED6DCD90281E")).build())).isInstanceOf(Claim.Stale.class);
        assertThat(ledger.claim(ClaimRequest.builder(new ObjectRef("vendor-drop", "acme/x.csv", null, "etag-3", 1L), "acme", "w", LEASE)
                .sequencer(s3("55AED6DCD90281E7")).build())).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    void attemptsOfOneProcessNeverShareALeaseAndAnEndedOnesLeaseIsTakenOverAtOnce() {
        LeaseOwners owners = new LeaseOwners("instance-1");
        LeaseOwners otherProcess = new LeaseOwners("instance-1"); // same worker name, another JVM
        String first = owners.begin();
        assertThat(ledger.claim(ClaimRequest.builder(REF, "acme", first, LEASE)
                .owners(owners).build())).isInstanceOf(Claim.Claimed.class);
        String second = owners.begin();
        assertThat(ledger.claim(ClaimRequest.builder(REF, "acme", second, LEASE).owners(owners).build()))
                .as("the first attempt is still running").isInstanceOf(Claim.Busy.class);
        owners.end(first); // it failed and could not release its lease (say, the database was down)
        String fromElsewhere = otherProcess.begin();
        assertThat(ledger.claim(ClaimRequest.builder(REF, "acme", fromElsewhere, LEASE).owners(otherProcess).build()))
                .as("another process waits for the expiry").isInstanceOf(Claim.Busy.class);
        assertThat(ledger.claim(ClaimRequest.builder(REF, "acme", second, LEASE).owners(owners).build()))
                .as("this process knows the attempt ended").isInstanceOf(Claim.Claimed.class);
    }

    @Test
    void aNewerCreateWithAShorterSequencerIsClaimed() {
        // S3: right pad the shorter with zeros, then compare:
        // "0055AED6DCD90282" pads to "0055AED6DCD9028200" > "0055AED6DCD90281E6": newer although shorter
        ObjectRef older = new ObjectRef("vendor-drop", "acme/y.csv", null, "etag-old", 1L);
        ObjectRef newer = new ObjectRef("vendor-drop", "acme/y.csv", null, "etag-new", 1L);
        assertThat(ledger.claim(ClaimRequest.builder(older, "acme", "w", LEASE)
                .sequencer(s3("0055AED6DCD90281E6")).build())).isInstanceOf(Claim.Claimed.class);
        assertThat(ledger.claim(ClaimRequest.builder(newer, "acme", "w", LEASE)
                .sequencer(s3("0055AED6DCD90282")).build())).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    void aRemovalOlderThanTheStoredCreateIsNotRecorded() {
        ObjectRef create = new ObjectRef("vendor-drop", "acme/z.csv", null, "etag-1", 1L);
        ObjectRef removal = new ObjectRef("vendor-drop", "acme/z.csv", null, null, null);
        assertThat(ledger.claim(ClaimRequest.builder(create, "acme", "w", LEASE)
                .sequencer(s3("0055AED6DCD90281E6")).build())).isInstanceOf(Claim.Claimed.class);
        assertThat(ledger.recordRemoval(removal, "acme", s3("0055AED6DCD90281E5"))).isInstanceOf(Removal.Stale.class);
        long removed = tx.inTransaction(c -> {
            try (var ps = c.prepareStatement("SELECT count(*) FROM ingested_files WHERE status = 'REMOVED'");
                 var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertThat(removed).as("an older removal leaves the key as it is").isZero();
    }

    /**
     * Random histories of one key (creates and removals with S3 sequencers of varying length, or GCS
     * generations), delivered shuffled and partly twice: the key's newest ledger row is the newest
     * notification's, by S3's documented rule (right pad, then compare) or by number.
     */
    @Test
    void theNewestNotificationOfAKeyWinsWhateverTheDeliveryOrder() {
        Random r = new Random(34);
        for (int key = 0; key < 60; key++) {
            boolean gcs = key % 3 == 2;
            List<ObjectSequencer> tokens = new ArrayList<>();
            while (tokens.size() < 2 + r.nextInt(5)) {
                ObjectSequencer t = gcs ? ObjectSequencer.gcsGeneration(Long.toString(r.nextInt(3) == 0 ? r.nextInt(100)
                        : r.nextLong() & Long.MAX_VALUE)) : ObjectSequencer.s3(ObjectSequencerTest.randomHex(r));
                if (tokens.stream().noneMatch(t::sameOrder)) tokens.add(t);
            }
            // the model's order: S3's rule written out, or numbers
            tokens.sort(gcs ? Comparator.comparing((ObjectSequencer t) -> Long.parseLong(t.value()))
                    : (a, b) -> ObjectSequencerTest.s3Model(a.value(), b.value()));
            String objectKey = "acme/k" + key + ".csv";
            List<Runnable> deliveries = new ArrayList<>();
            List<String> identities = new ArrayList<>();
            for (int v = 0; v < tokens.size(); v++) {
                ObjectSequencer t = tokens.get(v);
                boolean removal = v > 0 && r.nextInt(3) == 0;
                ObjectRef ref = new ObjectRef("vendor-drop", objectKey, gcs ? t.value() : null,
                        // an unversioned S3 key may be re-uploaded with an earlier content: the same identity again
                        removal ? null : "etag-" + (!gcs && v > 0 && r.nextInt(4) == 0 ? r.nextInt(v) : v), removal ? null : 1L);
                identities.add((removal ? "REMOVED " : "created ") + (removal ? "" : ref.etag()) + " " + t.value());
                Runnable delivery = removal ? () -> ledger.recordRemoval(ref, "acme", t)
                        : () -> ledger.claim(ClaimRequest.builder(ref, "acme", "w", LEASE).sequencer(t).build());
                deliveries.add(delivery);
                if (r.nextBoolean()) deliveries.add(delivery);
            }
            Collections.shuffle(deliveries, r);
            deliveries.forEach(Runnable::run);
            String newest = tx.inTransaction(c -> {
                try (var ps = c.prepareStatement("""
                        SELECT CASE WHEN status = 'REMOVED' THEN 'REMOVED ' ELSE 'created ' || etag END || ' ' || sequencer
                        FROM ingested_files WHERE object_key = ? ORDER BY order_key DESC, status = 'REMOVED' DESC LIMIT 1""")) {
                    ps.setString(1, objectKey);
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getString(1);
                    }
                }
            });
            assertThat(newest).as("key %s, history %s", objectKey, identities).isEqualTo(identities.get(identities.size() - 1));
        }
    }
}
