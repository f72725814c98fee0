package io.inlet.read;

import io.inlet.event.CloudEventWriter;
import io.inlet.event.SchemaCatalog;
import io.inlet.event.TraceContext;
import io.inlet.failure.Deadline;
import io.inlet.outbox.EventPublisher;
import io.inlet.outbox.OutboxMessage;
import io.inlet.outbox.PublishResult;
import io.inlet.store.TransactionRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs catch-up subscriptions in bounded slices: each slice is one transaction that takes the
 * subscription's lock (a transaction advisory lock, so the slice holds no transaction id and holds
 * back no reader's horizon), reads a batch after its checkpoint with the {@link EventReader},
 * arranges it in stream order ({@link StreamOrder}), publishes it as CloudEvents (id = event id)
 * through an {@link EventPublisher}, and moves the checkpoint past the events the destination
 * accepted, up to the first one it did not. There is no switch from backfill to live: the
 * subscription reads the log forever and "live" is the reader's tail, so the switch can neither
 * skip nor repeat an event.
 *
 * <p>Schema versions: a subscription that asks for versions ({@link Subscription#asVersions()})
 * gets the events of those types upcast ({@link UpcastingReader}) before they are published; the
 * CloudEvent's {@code schemaversion} says the version delivered. An event that cannot be delivered
 * at the asked version (stored newer, or its payload does not upcast) is treated as a refused
 * publish: the groups before it are published, the checkpoint stops before it, and the
 * subscription is FAILING with the reason until the feeds file's upcasters (or the subscription)
 * are fixed. It is never skipped and never sent at another version.
 *
 * <p>At least once: if the process dies between publishing and committing, the batch is published
 * again by the next slice with the same CloudEvent ids; consumers dedupe on the id.
 */
public final class SubscriptionRunner {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionRunner.class);

    /**
     * @param batchSize        events per slice
     * @param maxSlicesPerRun  slices per subscription per run, so one long backfill leaves time for the others
     */
    public record Settings(int batchSize, int maxSlicesPerRun) {
        public static final Settings DEFAULTS = new Settings(500, 20);

        public Settings {
            if (batchSize < 1 || batchSize > ReadRequest.MAX_LIMIT) throw new IllegalArgumentException("batchSize " + batchSize);
            if (maxSlicesPerRun < 1) throw new IllegalArgumentException("maxSlicesPerRun " + maxSlicesPerRun);
        }
    }

    /** What one slice did. */
    public record Slice(Status status, int delivered, boolean more, String error) {
    }

    /** How a slice ended. */
    public enum Status {
        /** Published what it read and moved the checkpoint (possibly nothing: at the tail). */
        DONE,
        /** The destination refused part of the batch; the checkpoint stops before it. */
        FAILED,
        /** Another relay runs this subscription now. */
        BUSY,
        /** No such subscription (removed). */
        GONE
    }

    private final TransactionRunner tx;
    private final Settings settings;
    private final EventReader reader;
    private final Subscriptions subscriptions = new Subscriptions();
    private final CloudEventWriter writer = new CloudEventWriter();
    private final SchemaCatalog catalog;

    /** A runner for subscriptions that ask for no schema version (one that does fails naming it). */
    public SubscriptionRunner(TransactionRunner tx, Settings settings) {
        this(tx, settings, SchemaCatalog.EMPTY);
    }

    /** @param catalog the feeds file's event types, whose upcasters serve subscriptions that ask for a version */
    public SubscriptionRunner(TransactionRunner tx, Settings settings, SchemaCatalog catalog) {
        this.tx = tx;
        this.settings = settings;
        this.reader = new EventReader(tx);
        this.catalog = catalog;
    }

    /** Runs every subscription, least recently run first, slice by slice until each is at its tail, its share is used, or the deadline passes. */
    public SubscriptionReport runAll(EventPublisher publisher, Deadline deadline) {
        List<Subscription> all = tx.inTransaction(subscriptions::list);
        int slices = 0, failing = 0;
        long delivered = 0;
        for (Subscription s : all) {
            for (int n = 0; n < settings.maxSlicesPerRun() && !deadline.passed(); n++) {
                Slice slice = runSlice(s.name(), publisher);
                if (slice.status() == Status.BUSY || slice.status() == Status.GONE) break;
                slices++;
                delivered += slice.delivered();
                if (slice.status() == Status.FAILED) {
                    failing++;
                    break;
                }
                if (!slice.more()) break;
            }
            if (deadline.passed()) break;
        }
        SubscriptionReport report = new SubscriptionReport(all.size(), slices, delivered, failing);
        if (!all.isEmpty()) {
            LOG.atInfo().setMessage("subscriptions: {} delivered in {} slice(s), {} failing").addArgument(delivered)
                    .addArgument(slices).addArgument(failing).addKeyValue("subscriptionsDelivered", delivered)
                    .addKeyValue("subscriptionSlices", slices).addKeyValue("subscriptionsFailing", failing).log();
        }
        return report;
    }

    /** One slice of one subscription, in one transaction. */
    public Slice runSlice(String name, EventPublisher publisher) {
        return tx.inTransaction(c -> slice(c, name, publisher));
    }

    private Slice slice(Connection c, String name, EventPublisher publisher) throws SQLException {
        if (!tryLock(c, name)) return new Slice(Status.BUSY, 0, false, null);
        Optional<Subscription> found = subscriptions.find(c, name);
        if (found.isEmpty()) return new Slice(Status.GONE, 0, false, null);
        Subscription s = found.get();
        ReadBatch batch = reader.read(c, new ReadRequest(s.checkpoint(), List.of(), new HashSet<>(s.types()), settings.batchSize()));
        List<StreamOrder.Group> groups = new StreamOrder(s).arrange(c, batch.events(), early(c, name));
        List<OutboxMessage> messages = new ArrayList<>();
        // groups from `deliverable` on are not published: an event of the first of them cannot be had at the asked version
        int deliverable = groups.size();
        String upcastError = null;
        UpcastingReader upcaster = null;
        try {
            if (!s.asVersions().isEmpty()) upcaster = new UpcastingReader(reader, catalog, s.asVersions());
        } catch (IllegalArgumentException e) {
            deliverable = 0;
            if (!groups.isEmpty()) upcastError = "event " + groups.get(0).at().eventId() + ": --schema-version " + e.getMessage();
        }
        arranging:
        for (int gi = 0; gi < deliverable; gi++) {
            List<OutboxMessage> group = new ArrayList<>();
            for (ReadEvent e : groups.get(gi).deliver()) {
                try {
                    group.add(message(s, upcaster == null ? e : upcaster.upcast(e)));
                } catch (ReadUpcastException ex) {
                    deliverable = gi;
                    upcastError = ex.getMessage();
                    break arranging;
                }
            }
            messages.addAll(group);
        }
        groups = groups.subList(0, deliverable);
        PublishResult result = messages.isEmpty() ? new PublishResult(java.util.Map.of(), java.util.Map.of())
                : publishSafely(publisher, messages);

        int cut = 0, delivered = 0;
        String error = null;
        for (StreamOrder.Group g : groups) {
            String failure = null;
            for (ReadEvent e : g.deliver()) {
                if (!result.published().containsKey(e.position())) {
                    failure = result.failed().getOrDefault(e.position(), "publisher reported no outcome");
                    break;
                }
            }
            if (failure != null) {
                error = "event " + g.at().eventId() + " (" + g.at().table() + ", stream " + g.at().streamId() + "): " + failure;
                break;
            }
            delivered += g.deliver().size();
            cut++;
        }
        if (error == null && upcastError != null) error = upcastError;
        boolean all = cut == groups.size() && upcastError == null;
        Checkpoint next = all ? batch.next() : cut == 0 ? s.checkpoint() : groups.get(cut - 1).at().checkpoint();
        for (int i = 0; i < cut; i++) rememberEarly(c, name, groups.get(i).early());
        forgetPassed(c, name, next);
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE subscriptions SET checkpoint_tx = ?::xid8, checkpoint_position = ?, delivered = delivered + ?,
                       last_run_at = now(), last_error = ?,
                       caught_up_at = coalesce(caught_up_at, CASE WHEN ? THEN now() END)
                WHERE name = ?""")) {
            ps.setString(1, Long.toString(next.tx()));
            ps.setLong(2, next.position());
            ps.setLong(3, delivered);
            ps.setString(4, error == null ? null : error.length() > 1000 ? error.substring(0, 1000) : error);
            ps.setBoolean(5, all && !batch.more());
            ps.setString(6, name);
            ps.executeUpdate();
        }
        if (error != null) {
            LOG.atWarn().setMessage("subscription {}: {} delivered, then stopped: {}").addArgument(name).addArgument(delivered)
                    .addArgument(error).addKeyValue("subscription", name).log();
            return new Slice(Status.FAILED, delivered, false, error);
        }
        return new Slice(Status.DONE, delivered, batch.more(), null);
    }

    private OutboxMessage message(Subscription s, ReadEvent e) {
        TraceContext trace = TraceContext.childOf(e.correlationId()).orElse(null);
        String body = writer.write(e.eventId(), CloudEventWriter.sourceForTable(e.table()), e.eventType(), e.occurredAt(),
                e.streamId(), e.schemaVersion(), e.correlationId(), e.causationId(), trace, e.payload());
        // the position identifies the message in the publish result: it is unique across event tables
        return new OutboxMessage(e.position(), s.destination(), e.eventId(), e.eventType(), e.schemaVersion(), e.streamId(),
                e.correlationId(), body, trace == null ? null : trace.toTraceparent());
    }

    // As the outbox relay: a publisher that throws says nothing about the batch, so none of it counts as published.
    private static PublishResult publishSafely(EventPublisher publisher, List<OutboxMessage> batch) {
        try {
            return publisher.publish(batch);
        } catch (RuntimeException e) {
            LOG.warn("publisher failed for a subscription batch of {}: {}", batch.size(), e.toString());
            java.util.Map<Long, String> failed = new java.util.HashMap<>();
            for (OutboxMessage m : batch) failed.put(m.outboxId(), "publish failed: " + e);
            return new PublishResult(java.util.Map.of(), failed);
        }
    }

    private static boolean tryLock(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?, hashtext(?))")) {
            ps.setInt(1, Subscriptions.LOCK_KEY);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static Set<StreamOrder.Key> early(Connection c, String name) throws SQLException {
        Set<StreamOrder.Key> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT event_table, event_id FROM subscription_early_deliveries WHERE subscription = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new StreamOrder.Key(rs.getString(1), (java.util.UUID) rs.getObject(2)));
            }
        }
        return out;
    }

    private static void rememberEarly(Connection c, String name, List<ReadEvent> early) throws SQLException {
        if (early.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO subscription_early_deliveries "
                + "(subscription, event_table, event_id, tx, position) VALUES (?, ?, ?, ?::xid8, ?) ON CONFLICT DO NOTHING")) {
            for (ReadEvent e : early) {
                ps.setString(1, name);
                ps.setString(2, e.table());
                ps.setObject(3, e.eventId());
                ps.setString(4, Long.toString(e.checkpoint().tx()));
                ps.setLong(5, e.position());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void forgetPassed(Connection c, String name, Checkpoint next) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM subscription_early_deliveries "
                + "WHERE subscription = ? AND (tx, position) <= (?::xid8, ?)")) {
            ps.setString(1, name);
            ps.setString(2, Long.toString(next.tx()));
            ps.setLong(3, next.position());
            ps.executeUpdate();
        }
    }
}
