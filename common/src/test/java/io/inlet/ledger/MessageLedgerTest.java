package io.inlet.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MessageLedger's contract (get, put, update, delete of processed_messages rows) on the real PostgreSQL. */
class MessageLedgerTest {

    static final MessageKey KEY = new MessageKey("orders-queue", "m-1");

    DataSource ds;
    Transactions tx;
    final MessageLedger ledger = new MessageLedger();

    @BeforeEach
    void database() {
        ds = TestDatabase.fresh();
        tx = new Transactions(ds);
    }

    private boolean put(String feed) {
        return tx.inTransaction(c -> ledger.putProcessed(c, KEY, feed));
    }

    private boolean fail(String feed, String reason) {
        return tx.inTransaction(c -> ledger.putFailed(c, KEY, feed, reason));
    }

    private boolean delete() {
        return tx.inTransaction(c -> ledger.delete(c, KEY));
    }

    private Optional<MessageLedger.Entry> get() {
        return tx.inTransaction(c -> ledger.get(c, KEY));
    }

    @Test
    void anUnknownKeyHasNoEntry() {
        assertThat(get()).isEmpty();
    }

    @Test
    void theFirstPutTakesTheMessageAndARedeliveryIsTurnedAway() {
        assertThat(put("orders")).isTrue();
        assertThat(put("orders")).isFalse();
        MessageLedger.Entry e = get().orElseThrow();
        assertThat(e.status()).isEqualTo(MessageStatus.PROCESSED);
        assertThat(e.feed()).isEqualTo("orders");
        assertThat(e.attempts()).isEqualTo(1);
    }

    @Test
    void aPutRolledBackLeavesTheMessageForTheNextDelivery() {
        assertThatThrownBy(() -> tx.inTransaction(c -> {
            ledger.putProcessed(c, KEY, "orders");
            throw new IllegalStateException("the append failed");
        })).hasMessageContaining("the append failed");
        assertThat(get()).isEmpty();
        assertThat(put("orders")).isTrue();
    }

    @Test
    void aFailedMessageMayStillBeProcessedButAProcessedOneNeverFails() {
        assertThat(fail(null, "no feed")).isTrue();
        assertThat(fail(null, "still no feed")).isTrue();
        MessageLedger.Entry failed = get().orElseThrow();
        assertThat(failed.status()).isEqualTo(MessageStatus.FAILED);
        assertThat(failed.attempts()).isEqualTo(2);
        assertThat(failed.reason()).isEqualTo("still no feed");

        assertThat(put("orders")).isTrue();
        assertThat(fail("orders", "late failure")).isFalse();
        MessageLedger.Entry processed = get().orElseThrow();
        assertThat(processed.status()).isEqualTo(MessageStatus.PROCESSED);
        assertThat(processed.attempts()).isEqualTo(3);
        assertThat(processed.feed()).isEqualTo("orders");
    }

    @Test
    void updateRecordsTheCountsAndClearsTheReason() {
        tx.inTransaction(c -> ledger.putFailed(c, KEY, "orders", "transient"));
        tx.inTransaction(c -> {
            ledger.putProcessed(c, KEY, "orders");
            ledger.updateCounts(c, KEY, new Counts(4, 2, 1, 1, 0));
            return null;
        });
        MessageLedger.Entry e = get().orElseThrow();
        assertThat(List.of(e.appended(), e.duplicate(), e.conflict())).containsExactly(2L, 1L, 1L);
        assertThat(e.reason()).isNull();
    }

    @Test
    void aReasonIsCutToItsMaximumAndANulIsStoredVisibly() {
        String reason = "\u0000" + "x".repeat(MessageLedger.MAX_REASON_LENGTH + 10);
        tx.inTransaction(c -> ledger.putFailed(c, KEY, null, reason));
        String stored = get().orElseThrow().reason();
        assertThat(stored).doesNotContain("\u0000").contains("x".repeat(100));
        assertThat(stored.length()).isLessThan(MessageLedger.MAX_REASON_LENGTH + 10);
    }

    @Test
    void deleteForgetsTheMessageSoTheNextDeliveryIsNew() {
        tx.inTransaction(c -> ledger.putProcessed(c, KEY, "orders"));
        assertThat(delete()).isTrue();
        assertThat(delete()).isFalse();
        assertThat(get()).isEmpty();
        assertThat(put("orders")).isTrue();
    }

    @Test
    void ofConcurrentPutsOfOneKeyExactlyOneTakesIt() throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> puts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                puts.add(pool.submit(() -> {
                    start.await();
                    return put("orders");
                }));
            }
            start.countDown();
            int taken = 0;
            for (Future<Boolean> f : puts) if (f.get()) taken++;
            assertThat(taken).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theEnumListsExactlyTheStatusesTheDatabaseAccepts() throws SQLException {
        assertThat(FileStatusTest.checkedValues(ds, "processed_messages"))
                .isEqualTo(Arrays.stream(MessageStatus.values()).map(MessageStatus::databaseValue)
                        .collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void aRowWithAStatusThisVersionDoesNotKnowIsAClearError() throws SQLException {
        tx.inTransaction(c -> ledger.putProcessed(c, KEY, "orders"));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE processed_messages DROP CONSTRAINT " + FileStatusTest.statusCheck(c, "processed_messages"));
            s.execute("UPDATE processed_messages SET status = 'EXPIRED'");
        }
        assertThatThrownBy(() -> tx.inTransaction(c -> ledger.get(c, KEY)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown message status 'EXPIRED' in processed_messages");
        assertThatThrownBy(() -> MessageStatus.fromDatabase(null)).hasMessageContaining("unknown message status 'null'");
    }
}
