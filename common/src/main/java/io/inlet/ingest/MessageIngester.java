package io.inlet.ingest;

import io.inlet.ledger.Counts;
import io.inlet.ledger.MessageKey;
import io.inlet.ledger.MessageLedger;

import io.inlet.event.EventEnvelope;
import io.inlet.ingest.MessageDecoder;
import io.inlet.event.RecordContext;
import io.inlet.event.TraceContext;
import io.inlet.feed.FeedRegistry;
import io.inlet.feed.MessageFeed;
import io.inlet.store.AppendOutcome;
import io.inlet.store.EventOutcome;
import io.inlet.store.EventStore;
import io.inlet.store.GatedAppend;
import io.inlet.store.RejectedRecords;
import io.inlet.store.Rejection;
import io.inlet.store.Transactions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message path: a queue-borne business event is decoded by its message feed and appended in
 * one transaction with its row in the {@link MessageLedger}, so a redelivered message appends nothing.
 */
public final class MessageIngester {

    private static final Logger LOG = LoggerFactory.getLogger(MessageIngester.class);

    /** Larger than any broker delivers (Pub/Sub 10 MB, SQS 1 MiB): such a body is refused, not parsed. */
    public static final int MAX_MESSAGE_BYTES = 10 << 20;

    private final FeedRegistry feeds;
    private final Transactions tx;
    private final Clock clock;
    private final EventStore store;
    private final RejectedRecords rejected = new RejectedRecords();
    private final MessageDecoder decoder;
    private final MessageLedger ledger = new MessageLedger();

    public MessageIngester(FeedRegistry feeds, Transactions tx, Clock clock) {
        this.feeds = feeds;
        this.store = new EventStore(feeds.projections());
        this.tx = tx;
        this.clock = clock;
        this.decoder = new MessageDecoder(feeds);
    }

    public MessageOutcome ingest(InboundMessage m) {
        if (m.body().length() > MAX_MESSAGE_BYTES / 4
                && m.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
            throw new io.inlet.failure.PermanentException("message " + m.messageId() + " on " + m.channel()
                    + " is larger than the " + (MAX_MESSAGE_BYTES >> 20) + " MiB cap: refused");
        }
        MessageFeed feed = feeds.matchMessage(m.channel())
                .orElseThrow(() -> new NoFeedException("no message feed for channel '" + m.channel() + "' (message " + m.messageId() + ")"));
        // A message that carries a trace context correlates its events by the trace id; else by its id.
        String correlationId = TraceContext.fromAttributes(m.attributes()).map(TraceContext::traceId).orElse(m.messageId());
        RecordContext ctx = new RecordContext(feed.name(), null, m.channel() + "/" + m.messageId(), correlationId,
                m.messageId(), clock.instant());
        DecodedMessage decoded = decoder.decodeMessage(m, feed, ctx);
        List<EventEnvelope> events = decoded.events();
        if (decoded.expectedVersion().isPresent()) refuseStreams(m, events);
        MessageKey key = new MessageKey(m.channel(), m.messageId());
        MessageOutcome outcome = oneRoundTrip(m, feed, key, decoded);
        if (outcome == null) outcome = severalStatements(m, feed, key, decoded);
        LOG.atInfo().setMessage("message {}: {}").addArgument(m.messageId()).addArgument(outcome.status())
                .addKeyValue("channel", m.channel()).addKeyValue("messageId", m.messageId())
                .addKeyValue("status", outcome.status()).addKeyValue("appended", outcome.counts().appended())
                .addKeyValue("duplicate", outcome.counts().duplicate()).addKeyValue("conflict", outcome.counts().conflict())
                .log();
        return outcome;
    }

    /**
     * The common case in one round trip, committed when it returns: the ledger claim, the locks, the
     * append and the counts as one auto-committed statement pair ({@link EventStore#appendGated} with
     * {@link MessageLedger#claimGate}). Null when the message needs {@link #severalStatements}: it
     * declares an expected version, carries no event, its table has an inline projection, or an event
     * conflicts (nothing was written then; the other path records the rejection with the message).
     */
    private MessageOutcome oneRoundTrip(InboundMessage m, MessageFeed feed, MessageKey key, DecodedMessage decoded) {
        List<EventEnvelope> events = decoded.events();
        if (decoded.expectedVersion().isPresent() || events.isEmpty() || store.projectsInline(feed.table())) return null;
        return tx.inAutoCommit(c -> {
            GatedAppend gated = store.appendGated(c, feed.table(), events, feed.derived(), ledger.claimGate(key, feed.name()));
            AppendOutcome appended = gated.outcome();
            if (gated.passed()) {
                return new MessageOutcome(m.messageId(), MessageOutcome.Status.APPENDED,
                        new Counts(events.size(), appended.appended(), appended.duplicates(), 0, 0));
            }
            // shut: processed before (nothing to do), or a conflict to record with the message on the other path
            return appended.conflicts() > 0 ? null : new MessageOutcome(m.messageId(), MessageOutcome.Status.ALREADY_PROCESSED, Counts.ZERO);
        });
    }

    /** Claim, locks, append, rejections, counts and commit, one statement after the other. */
    private MessageOutcome severalStatements(InboundMessage m, MessageFeed feed, MessageKey key, DecodedMessage decoded) {
        List<EventEnvelope> events = decoded.events();
        return tx.inTransaction(c -> {
            if (!ledger.putProcessed(c, key, feed.name())) {
                return new MessageOutcome(m.messageId(), MessageOutcome.Status.ALREADY_PROCESSED, Counts.ZERO);
            }
            // a wrong expected version throws (WrongExpectedVersionException, permanent): the ledger row
            // rolls back with the append, and the trigger layer records the failure and dead-letters it
            AppendOutcome appended = decoded.expectedVersion().isPresent()
                    ? store.appendAt(c, feed.table(), events, feed.derived(), decoded.expectedVersion().getAsLong())
                    : store.append(c, feed.table(), events, feed.derived());
            List<Rejection> conflicts = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                if (appended.outcomes().get(i) == EventOutcome.CONFLICT) {
                    EventEnvelope e = events.get(i);
                    conflicts.add(new Rejection(i + 1, null, Rejection.Kind.CONFLICT, null,
                            "event " + e.eventId() + " already exists with a different payload", e.payloadJson(), e.eventId()));
                }
            }
            rejected.forMessage(c, m.channel(), m.messageId(), feed.name(), conflicts);
            Counts counts = new Counts(events.size(), appended.appended(), appended.duplicates(), appended.conflicts(), 0);
            ledger.updateCounts(c, key, counts);
            return new MessageOutcome(m.messageId(), MessageOutcome.Status.APPENDED, counts);
        });
    }

    /** An expected version is one stream's: a message declaring one must not carry events of several. */
    private static void refuseStreams(InboundMessage m, List<EventEnvelope> events) {
        long streams = events.stream().map(EventEnvelope::streamId).distinct().count();
        if (streams > 1) {
            throw new io.inlet.failure.PermanentException("message " + m.messageId() + " on channel '" + m.channel()
                    + "' declares an expected version but its events are of " + streams + " streams (an expected version is one stream's)");
        }
    }

    /** Records a permanent failure of a message (attempts counted, reason kept) unless it was processed. */
    public void recordFailure(InboundMessage m, String reason) {
        String feed = feeds.matchMessage(m.channel()).map(MessageFeed::name).orElse(null);
        tx.inTransaction(c -> ledger.putFailed(c, new MessageKey(m.channel(), m.messageId()), feed, reason));
        LOG.atWarn().setMessage("message {} failed permanently: {}").addArgument(m.messageId()).addArgument(reason)
                .addKeyValue("channel", m.channel()).addKeyValue("messageId", m.messageId()).log();
    }
}
