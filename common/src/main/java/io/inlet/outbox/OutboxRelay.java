package io.inlet.outbox;

import io.inlet.event.CloudEventWriter;
import io.inlet.ingest.Deadline;
import io.inlet.store.Transactions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes outbox rows through an {@link EventPublisher}.
 *
 * <p>Each batch is one transaction: claim due rows {@code FOR UPDATE SKIP LOCKED}, publish, mark
 * the accepted ones published and the rest failed with a backoff, commit. If the process dies
 * between publishing and committing, the rows stay unpublished and go out again: at most the batch
 * in flight is published twice, and consumers dedupe on the event id. A row is never lost: it is
 * deleted only after it was published and its retention passed.
 */
public final class OutboxRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private final Transactions tx;
    private final OutboxStore store = new OutboxStore();
    private final CloudEventWriter writer = new CloudEventWriter();
    private final RelaySettings settings;

    public OutboxRelay(Transactions tx, RelaySettings settings) {
        this.tx = tx;
        this.settings = settings;
    }

    /** Publishes due rows until none are due or the deadline passes, then purges old published rows. */
    public RelayReport run(EventPublisher publisher, Deadline deadline) {
        long published = 0, failed = 0;
        int batches = 0;
        java.sql.Timestamp runStart = tx.inTransaction(store::now);
        while (!deadline.passed()) {
            long[] counts = tx.inTransaction(c -> {
                List<OutboxMessage> batch = store.claimDue(c, settings.batchSize(), runStart, writer);
                if (batch.isEmpty()) return null;
                PublishResult result = publishSafely(publisher, batch);
                store.markPublished(c, result.published());
                store.markFailed(c, result.failed(), settings.backoffBase(), settings.backoffMax());
                return new long[] {result.published().size(), result.failed().size()};
            });
            if (counts == null) break;
            batches++;
            published += counts[0];
            failed += counts[1];
        }
        long purged = tx.inTransaction(c -> store.purgePublished(c, settings.retention()));
        OutboxStore.Lag lag = tx.inTransaction(store::lag);
        LOG.atInfo().setMessage("relay run: {} published, {} failed, {} pending").addArgument(published)
                .addArgument(failed).addArgument(lag.pending()).addKeyValue("published", published)
                .addKeyValue("failed", failed).addKeyValue("batches", batches).addKeyValue("purged", purged)
                .addKeyValue("pending", lag.pending()).addKeyValue("outboxLagSeconds", lag.oldestAgeSeconds()).log();
        return new RelayReport(published, failed, batches, lag.pending(), lag.oldestAgeSeconds());
    }

    // A publisher that throws tells us nothing about the batch: all of it is retried.
    private static PublishResult publishSafely(EventPublisher publisher, List<OutboxMessage> batch) {
        try {
            PublishResult result = publisher.publish(batch);
            Map<Long, String> failed = new HashMap<>(result.failed());
            for (OutboxMessage m : batch) {
                if (!result.published().containsKey(m.outboxId()) && !failed.containsKey(m.outboxId())) {
                    failed.put(m.outboxId(), "publisher reported no outcome");
                }
            }
            return new PublishResult(result.published(), failed);
        } catch (RuntimeException e) {
            LOG.warn("publisher failed for a batch of {}: {}", batch.size(), e.toString());
            Map<Long, String> failed = new HashMap<>();
            String reason = "publish failed: " + e;
            for (OutboxMessage m : batch) failed.put(m.outboxId(), reason.length() > 1000 ? reason.substring(0, 1000) : reason);
            return new PublishResult(Map.of(), failed);
        }
    }
}
