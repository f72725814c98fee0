package io.inlet.outbox;

import io.inlet.event.TraceContext;
import io.inlet.trace.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.inlet.event.CloudEventWriter;
import io.inlet.failure.Deadline;
import io.inlet.store.Transactions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes outbox rows through an {@link EventPublisher}.
 *
 * <p>Each batch is one transaction: claim due rows {@code FOR UPDATE SKIP LOCKED}, each the head of
 * its (destination, stream) or right behind one ({@link StreamHeadClaim}), publish, mark the accepted
 * ones published and the first failed one of each stream failed with a backoff (blocked at the
 * attempt limit), commit. A failed or blocked row keeps its stream's later rows waiting until it is
 * published or an operator releases it, so a stream reaches its destination in outbox order. If the process dies
 * between publishing and committing, the rows stay unpublished and go out again: at most the batch
 * in flight is published twice, and consumers dedupe on the event id. A row is never lost: it is
 * deleted only after it was published and its retention passed.
 */
public final class OutboxRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    /** Followers of a blocked row are looked at again at most this often (or every backoff max, if longer). */
    private static final Duration MIN_BLOCKED_HOLD = Duration.ofMinutes(1);

    private final Transactions tx;
    private final OutboxStore store = new OutboxStore();
    private final CloudEventWriter writer = new CloudEventWriter();
    private final RelaySettings settings;

    private final DestinationVersions versions;

    public OutboxRelay(Transactions tx, RelaySettings settings) {
        this(tx, settings, DestinationVersions.NONE);
    }

    /** A relay that sends each destination the schema versions it asks for ({@link DestinationVersions}). */
    public OutboxRelay(Transactions tx, RelaySettings settings, DestinationVersions versions) {
        this.tx = tx;
        this.settings = settings;
        this.versions = versions;
    }

    /** Publishes due rows until none are due or the deadline passes, then purges old published rows. */
    public RelayReport run(EventPublisher publisher, Deadline deadline) {
        long published = 0, failed = 0, blocked = 0;
        int batches = 0;
        java.sql.Timestamp runStart = tx.inTransaction(store::now);
        Duration blockedHold = settings.backoffMax().compareTo(MIN_BLOCKED_HOLD) < 0 ? MIN_BLOCKED_HOLD : settings.backoffMax();
        while (!deadline.passed()) {
            BatchOutcome outcome = tx.inTransaction(c -> {
                OutboxStore.Claim claim = store.claimDue(c, settings.batchSize(), runStart, blockedHold, writer, versions);
                if (claim.messages().isEmpty() && claim.unrendered().isEmpty()) return new BatchOutcome(0, 0, 0, claim.deferred());
                PublishResult result = claim.messages().isEmpty() ? new PublishResult(Map.of(), Map.of())
                        : publishSafely(publisher, claim.messages());
                Map<Long, String> attempted = new java.util.LinkedHashMap<>(attemptedFailures(claim.messages(), result));
                // a payload that cannot be upcast to its destination's version fails like a refused publish
                attempted.putAll(claim.unrendered());
                store.markPublished(c, result.published());
                int newlyBlocked = store.markFailed(c, attempted, settings.backoffBase(), settings.backoffMax(),
                        settings.maxAttempts());
                return new BatchOutcome(result.published().size(), result.failed().size() + claim.unrendered().size(),
                        newlyBlocked, claim.deferred());
            });
            if (outcome.published() + outcome.failed() == 0) {
                if (outcome.deferred() > 0) continue; // held streams left the window: look again
                break;
            }
            batches++;
            published += outcome.published();
            failed += outcome.failed();
            blocked += outcome.blocked();
        }
        long purged = tx.inTransaction(c -> store.purgePublished(c, settings.retention()));
        OutboxStore.Lag lag = tx.inTransaction(store::lag);
        if (blocked > 0) {
            LOG.atError().setMessage("relay run blocked {} outbox row(s) after {} failed attempts; {} blocked in all: "
                            + "`inlet outbox blocked` lists them").addArgument(blocked).addArgument(settings.maxAttempts())
                    .addArgument(lag.blocked()).addKeyValue("newlyBlocked", blocked).addKeyValue("blocked", lag.blocked()).log();
        }
        LOG.atInfo().setMessage("relay run: {} published, {} failed, {} pending").addArgument(published)
                .addArgument(failed).addArgument(lag.pending()).addKeyValue("published", published)
                .addKeyValue("failed", failed).addKeyValue("batches", batches).addKeyValue("purged", purged)
                .addKeyValue("pending", lag.pending()).addKeyValue("blocked", lag.blocked())
                .addKeyValue("outboxLagSeconds", lag.oldestAgeSeconds()).log();
        return new RelayReport(published, failed, batches, lag.pending(), lag.oldestAgeSeconds(), blocked, lag.blocked());
    }

    private record BatchOutcome(long published, long failed, int blocked, int deferred) {
    }

    /**
     * The failures that count as attempts: per (destination, stream), the first failed message of the
     * batch. The later ones of that stream were held behind it (a publisher keeping the order does not
     * send them), so they are left as they were and wait behind it. Messages without a stream all count.
     */
    static Map<Long, String> attemptedFailures(List<OutboxMessage> batch, PublishResult result) {
        Map<Long, String> attempted = new LinkedHashMap<>();
        Set<List<String>> held = new HashSet<>();
        int reordered = 0;
        for (OutboxMessage m : batch) {
            List<String> stream = m.streamId() == null ? null : List.of(m.destination(), m.streamId());
            String reason = result.failed().get(m.outboxId());
            if (reason != null) {
                if (stream == null || held.add(stream)) attempted.put(m.outboxId(), reason);
            } else if (stream != null && held.contains(stream)) {
                reordered++;
            }
        }
        if (reordered > 0) {
            LOG.warn("the publisher accepted {} message(s) after an earlier message of their stream failed in the same call: "
                    + "their destination received them out of stream order (EventPublisher contract)", reordered);
        }
        return attempted;
    }

    /**
     * With tracing on, each message is published in a span {@code inlet.publish} of its own trace (the
     * one its traceparent continues: the trace of the trigger that caused its event), failed ones marked.
     */
    private static PublishResult publishSafely(EventPublisher publisher, List<OutboxMessage> batch) {
        if (!Tracing.enabled()) return publishUntraced(publisher, batch);
        List<Span> spans = new ArrayList<>(batch.size());
        for (OutboxMessage m : batch) {
            TraceContext trace = TraceContext.parse(m.traceparent()).orElse(null);
            Context parent = trace == null ? Context.current() : Tracing.remoteParent(trace.traceId(), trace.parentId(), trace.flags());
            spans.add(Tracing.start("inlet.publish", SpanKind.PRODUCER, parent, "messaging.destination.name", m.destination(),
                    "messaging.message.id", String.valueOf(m.eventId()), "inlet.outbox_id", m.outboxId()));
        }
        PublishResult result = publishUntraced(publisher, batch);
        for (int i = 0; i < batch.size(); i++) {
            String failed = result.failed().get(batch.get(i).outboxId());
            if (failed != null) spans.get(i).setStatus(StatusCode.ERROR, failed);
            spans.get(i).end();
        }
        return result;
    }

    // A publisher that throws tells us nothing about the batch: all of it is retried.
    private static PublishResult publishUntraced(EventPublisher publisher, List<OutboxMessage> batch) {
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
