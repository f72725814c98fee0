package io.inlet.outbox;

import static io.inlet.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.event.CloudEventWriter;
import io.inlet.event.EventEnvelope;
import io.inlet.store.EventStore;
import io.inlet.store.Transactions;
import io.inlet.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A claim reads its window of due rows a page at a time (a batch, then doubling, up to
 * {@link StreamHeadClaim#WINDOW_FACTOR} batches) and stops once its batch is claimed. What the pages
 * must not change: rows other relays hold, held streams and long streams ahead of the due heads
 * still leave the claim a full batch, in stream order.
 */
class ClaimWindowPagingTest {

    DataSource ds;
    Transactions tx;
    final OutboxStore store = new OutboxStore();
    final CloudEventWriter writer = new CloudEventWriter();

    @BeforeEach
    void database() {
        ds = TestDatabase.fresh("order_events");
        tx = new Transactions(ds);
    }

    void append(String stream, int rows) {
        List<EventEnvelope> events = new ArrayList<>();
        for (int v = 1; v <= rows; v++) events.add(event(stream + "-v" + v, stream, "OrderPlaced", "{\"v\":" + v + "}"));
        tx.inTransaction(c -> new EventStore().append(c, "order_events", events, StreamHoldTest.ROUTES));
    }

    OutboxStore.Claim claim(Connection c, int limit) throws java.sql.SQLException {
        return store.claimDue(c, limit, store.now(c), Duration.ofMinutes(15), writer);
    }

    @Test
    void aClaimReachesTheDueHeadsBehindAFirstPageThatAnotherRelayHolds() throws Exception {
        for (int s = 0; s < 30; s++) append("stream-" + s, 1);
        try (Connection other = ds.getConnection(); Connection mine = ds.getConnection()) {
            other.setAutoCommit(false);
            mine.setAutoCommit(false);
            List<Long> held = claim(other, 10).messages().stream().map(OutboxMessage::outboxId).toList();

            List<Long> claimed = claim(mine, 10).messages().stream().map(OutboxMessage::outboxId).toList();

            assertThat(held).hasSize(10);
            assertThat(claimed).as("the first page (10 rows) is all held: the next page gives the batch")
                    .hasSize(10).doesNotContainAnyElementsOf(held);
            other.rollback();
            mine.rollback();
        }
    }

    @Test
    void aClaimPagesPastAHeldStreamsFollowersToTheStreamsBehindThemAndDefersTheFollowers() throws Exception {
        append("held", 26);
        for (int s = 0; s < 5; s++) append("stream-" + s, 1);
        tx.inTransaction(c -> {
            OutboxStore.Claim first = claim(c, 1);
            assertThat(first.messages()).extracting(OutboxMessage::streamId).containsExactly("held");
            store.markFailed(c, Map.of(first.messages().get(0).outboxId(), "throttled"), Duration.ofHours(1), Duration.ofHours(1));
            return null;
        });
        tx.inTransaction(c -> {
            OutboxStore.Claim claim = claim(c, 10);
            assertThat(claim.messages()).extracting(OutboxMessage::streamId)
                    .containsExactly("stream-0", "stream-1", "stream-2", "stream-3", "stream-4");
            assertThat(claim.deferred()).as("the held stream's 25 followers leave the window").isEqualTo(25);
            return null;
        });
    }

    @Test
    void aLongStreamFillsTheBatchFromItsHeadInOrder() throws Exception {
        append("long", 40);
        tx.inTransaction(c -> {
            List<String> claimed = claim(c, 10).messages().stream().map(m -> m.eventId().toString()).toList();
            List<String> expected = new ArrayList<>();
            for (int v = 1; v <= 10; v++) expected.add(io.inlet.testing.Events.uuid("long-v" + v).toString());
            assertThat(claimed).containsExactlyElementsOf(expected);
            c.rollback();
            return null;
        });
    }

    @Test
    void aClaimReadsNoFurtherThanTenBatchesOfHeldRows() throws Exception {
        append("held", 120);
        append("late", 1);
        tx.inTransaction(c -> {
            OutboxStore.Claim first = claim(c, 1);
            store.markFailed(c, Map.of(first.messages().get(0).outboxId(), "throttled"), Duration.ofHours(1), Duration.ofHours(1));
            return null;
        });
        tx.inTransaction(c -> {
            OutboxStore.Claim claim = claim(c, 10);
            assertThat(claim.messages()).as("the due row sits behind 119 held rows, past the 100-row window").isEmpty();
            assertThat(claim.deferred()).isEqualTo(100);
            return null;
        });
        tx.inTransaction(c -> {
            assertThat(claim(c, 10).messages()).extracting(OutboxMessage::streamId).containsExactly("late");
            c.rollback();
            return null;
        });
    }
}
