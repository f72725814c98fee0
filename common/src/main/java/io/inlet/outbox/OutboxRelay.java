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
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes outbox rows through an {@link EventPublisher}.
 *
 * <p>A batch (slice) is claimed due {@code FOR UPDATE SKIP LOCKED}, each row the head of its
 * (destination, stream) or right behind one ({@link StreamHeadClaim}), published, and marked: the
 * accepted rows published, the first failed one of each stream failed with a backoff (blocked at the
 * attempt limit). Slices are pipelined ({@link RelaySettings#slicesInFlight()}): while one is being
 * sent on the relay's sending thread, the connection claims and renders the next and marks the one
 * before; a transaction holds up to {@link RelaySettings#slicesPerCommit()} slices, then commits. A
 * claim never takes a row of a stream whose earlier row the transaction is still sending. A failed or
 * blocked row keeps its stream's later rows waiting until it is published or an operator releases
 * it, so a stream reaches its destination in outbox order. If the process dies before a commit, the
 * rows of that transaction stay unpublished and go out again: at most {@code slicesPerCommit *
 * batchSize} rows are published twice, and consumers dedupe on the event id. A row is never lost: it
 * is deleted only after it was published and its retention passed.
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
        Counts total = new Counts();
        java.sql.Timestamp runStart = tx.inTransaction(store::now);
        Duration blockedHold = settings.backoffMax().compareTo(MIN_BLOCKED_HOLD) < 0 ? MIN_BLOCKED_HOLD : settings.backoffMax();
        ExecutorService sender = settings.slicesInFlight() > 1 ? senderThread() : null;
        try {
            while (!deadline.passed()) {
                // a transaction retried whole (deadlock) starts a new pipeline: nothing of the failed attempt counts
                Counts group = tx.inTransaction(c -> new Pipeline(publisher, sender, runStart, blockedHold, deadline).run(c));
                total.add(group);
                if (group.drained) break;
            }
        } finally {
            if (sender != null) sender.shutdown();
        }
        long published = total.published, failed = total.failed, blocked = total.blocked;
        int batches = total.slices;
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

    // One thread sends the slices one after another, in claim order, while the caller's thread claims,
    // renders and marks on the connection. A daemon: a run that ends abnormally leaves nothing that
    // keeps the JVM alive, and the run shuts it down when it returns.
    private static ExecutorService senderThread() {
        String name = Thread.currentThread().getName() + "-send"; // whose sends: the relay's thread, named
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** What one transaction (or the run) did; {@code drained}: it found nothing more to claim. */
    private static final class Counts {
        long published, failed;
        int blocked, slices;
        boolean drained;

        void add(Counts other) {
            published += other.published;
            failed += other.failed;
            blocked += other.blocked;
            slices += other.slices;
        }
    }

    /** A claimed slice and its send, until it is marked. */
    private record Slice(OutboxStore.Claim claim, Future<PublishResult> sent) {
    }

    /**
     * One transaction of a run: slices claimed, sent and marked, at most {@code slicesInFlight} between
     * claim and mark, at most {@code slicesPerCommit} in all, then commit (by the caller). While a
     * slice is being sent the connection claims and renders the next one and marks the one before.
     * The next claim takes no row the transaction holds unmarked nor any row of their streams
     * ({@link OutboxStore#claimDue(Connection, int, java.sql.Timestamp, Duration, CloudEventWriter,
     * DestinationVersions, Set)}): a stream's later row is claimed only once the earlier one is marked
     * published, so a failed row holds its stream exactly as with one slice per transaction. Every
     * send has ended before this returns or throws.
     */
    private final class Pipeline {
        private final EventPublisher publisher;
        private final ExecutorService sender;
        private final java.sql.Timestamp runStart;
        private final Duration blockedHold;
        private final Deadline deadline;
        private final Deque<Slice> inFlight = new ArrayDeque<>();
        private final Set<Long> unmarked = new HashSet<>();
        private final Counts counts = new Counts();

        Pipeline(EventPublisher publisher, ExecutorService sender, java.sql.Timestamp runStart, Duration blockedHold,
                 Deadline deadline) {
            this.publisher = publisher;
            this.sender = sender;
            this.runStart = runStart;
            this.blockedHold = blockedHold;
            this.deadline = deadline;
        }

        Counts run(Connection c) throws SQLException {
            boolean more = true;
            try {
                while (true) {
                    if (more && counts.slices < settings.slicesPerCommit() && inFlight.size() < settings.slicesInFlight()
                            && !deadline.passed()) {
                        OutboxStore.Claim claim = store.claimDue(c, settings.batchSize(), runStart, blockedHold, writer, versions,
                                unmarked);
                        if (!claim.isEmpty()) {
                            start(claim);
                            continue;
                        }
                        if (inFlight.isEmpty()) {
                            if (claim.deferred() > 0) continue; // held streams left the window: look again
                            more = false;
                        }
                        // else nothing claimable beside the slices in flight: mark one, then look again
                    }
                    if (inFlight.isEmpty()) break;
                    mark(c, inFlight.poll());
                }
            } finally {
                awaitQuietly(); // on a failure: no send of this transaction outlives it
            }
            counts.drained = !more;
            return counts;
        }

        private void start(OutboxStore.Claim claim) {
            claim.messages().forEach(m -> unmarked.add(m.outboxId()));
            unmarked.addAll(claim.unrendered().keySet());
            List<OutboxMessage> messages = claim.messages();
            Future<PublishResult> sent;
            if (messages.isEmpty()) {
                sent = CompletableFuture.completedFuture(new PublishResult(Map.of(), Map.of()));
            } else if (sender == null) {
                sent = CompletableFuture.completedFuture(publishSafely(publisher, messages));
            } else {
                // the send's spans hang under the caller's current span, as when it sent on its own thread
                sent = sender.submit(Context.current().wrap(() -> publishSafely(publisher, messages)));
            }
            inFlight.add(new Slice(claim, sent));
            counts.slices++;
        }

        private void mark(Connection c, Slice slice) throws SQLException {
            PublishResult result = await(slice.sent());
            List<OutboxMessage> messages = slice.claim().messages();
            Map<Long, String> attempted = new LinkedHashMap<>(attemptedFailures(messages, result));
            // a payload that cannot be upcast to its destination's version fails like a refused publish
            attempted.putAll(slice.claim().unrendered());
            store.markPublished(c, result.published());
            counts.blocked += store.markFailed(c, attempted, settings.backoffBase(), settings.backoffMax(), settings.maxAttempts());
            counts.published += result.published().size();
            counts.failed += result.failed().size() + slice.claim().unrendered().size();
            messages.forEach(m -> unmarked.remove(m.outboxId()));
            unmarked.removeAll(slice.claim().unrendered().keySet());
        }

        private void awaitQuietly() {
            for (Slice s : inFlight) {
                try {
                    await(s.sent());
                } catch (RuntimeException | Error ignored) {
                    // the transaction fails anyway: its rows stay unpublished and go out again
                }
            }
        }
    }

    // The send's outcome; an Error thrown by the publisher (a crash) goes on up as it was.
    private static PublishResult await(Future<PublishResult> sent) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return sent.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the send is under way: its outcome must be known before the rows are marked
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error err) throw err;
                    if (e.getCause() instanceof RuntimeException r) throw r;
                    throw new IllegalStateException("publishing a slice failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
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
