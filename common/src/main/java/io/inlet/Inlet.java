package io.inlet;

import io.inlet.projection.AsyncProjector;
import io.inlet.projection.CommittedEvents;
import io.inlet.projection.Projection;
import io.inlet.projection.ProjectorReport;
import io.inlet.read.EventReader;

import io.inlet.event.TraceContext;
import io.inlet.feed.FeedRegistry;
import io.inlet.failure.Deadline;
import io.inlet.ingest.FileIngester;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.InboundMessage;
import io.inlet.ingest.MessageIngester;
import io.inlet.ingest.MessageOutcome;
import io.inlet.metrics.InletMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.inlet.outbox.EventPublisher;
import io.inlet.outbox.OutboxRelay;
import io.inlet.outbox.RelayReport;
import io.inlet.outbox.RelaySettings;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import io.inlet.source.ObjectSource;
import io.inlet.source.SourceResolver;
import io.inlet.ingest.HeldFileResult;
import io.inlet.ingest.ReprocessReport;
import io.inlet.ledger.Counts;
import io.inlet.ledger.FeedPauses;
import io.inlet.ledger.LedgerEntry;
import io.inlet.ledger.Leases;
import io.inlet.ledger.Reprocessing;
import io.inlet.ledger.Retention;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import io.inlet.store.Transactions;
import io.inlet.trigger.DeliveryHandler;
import io.inlet.trigger.Ingestion;
import io.inlet.trigger.VerdictObserver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The assembled core, built once per execution environment and shared by every invocation.
 * Handlers translate a trigger into one of these calls and the result back; nothing else.
 *
 * <p>Failures: {@link io.inlet.failure.RetryableException} when trying again may succeed (database
 * unreachable, lease lost); {@link io.inlet.failure.PermanentException} when it cannot (no feed for
 * the key, malformed message). An unreadable file is not an exception: it is recorded as REJECTED.
 */
public final class Inlet implements Ingestion {

    private final FeedRegistry feeds;
    private final FileIngester files;
    private final MessageIngester messages;
    private final OutboxRelay relay;
    private final InletMetrics metrics;
    private final FeedPauses pauses;
    private final Reprocessing reprocessing;
    private final Leases leases;
    private final Retention retention;
    private final Transactions tx;
    private final io.inlet.arrival.ArrivalCheck arrivals;
    private final AsyncProjector projector;

    private Inlet(Builder b, Transactions tx) {
        this.arrivals = new io.inlet.arrival.ArrivalCheck(b.feeds, tx, b.clock);
        this.tx = tx;
        this.pauses = new FeedPauses(tx);
        this.reprocessing = new Reprocessing(tx);
        this.leases = new Leases(tx);
        this.retention = new Retention(tx);
        this.feeds = b.feeds;
        this.metrics = new InletMetrics(b.meterRegistry == null ? new SimpleMeterRegistry() : b.meterRegistry);
        this.files = new FileIngester(b.feeds, tx, b.workerId, b.leaseDuration, b.clock, b.maxFailedAttempts);
        this.messages = new MessageIngester(b.feeds, tx, b.clock);
        this.relay = new OutboxRelay(tx, b.relaySettings,
                new io.inlet.outbox.DestinationVersions(b.feeds.destinationVersions(), b.feeds.schemaCatalog()));
        files.onPausedFeeds(metrics::pausedFeeds);
        this.projector = new AsyncProjector(b.dataSource, projectionReader(b.dataSource));
    }

    /** The reader async projections and rebuilds use: the read side's gap-safe reader (docs/read-side.md). */
    public static CommittedEvents projectionReader(DataSource ds) {
        return new GapSafeProjectionReader(new EventReader(new Transactions(ds)));
    }

    /** Events an async projection applies per page and per turn before the next projection gets its turn. */
    static final int PROJECTION_PAGE = 500;

    /**
     * Runs every async projection forward, in turns of {@value #PROJECTION_PAGE} events, until each
     * has caught up (or stopped) or the deadline passes: what the relay function does after relaying,
     * on both clouds. A projection that fails stops alone (its report says why; the catalog keeps the
     * error) and never fails the relay.
     */
    public List<ProjectorReport> project(Deadline deadline) {
        Map<String, ProjectorReport> last = new java.util.LinkedHashMap<>();
        List<Projection> pending = new ArrayList<>(feeds.projections().async());
        while (!pending.isEmpty() && !deadline.passed()) {
            for (java.util.Iterator<Projection> it = pending.iterator(); it.hasNext(); ) {
                Projection p = it.next();
                ProjectorReport r;
                try {
                    r = projector.run(p, PROJECTION_PAGE, PROJECTION_PAGE);
                } catch (RuntimeException e) {
                    r = new ProjectorReport(p.name(), 0, ProjectorReport.Status.FAILED, String.valueOf(e.getMessage()));
                }
                ProjectorReport before = last.get(p.name());
                last.put(p.name(), before == null ? r : new ProjectorReport(p.name(), before.applied() + r.applied(), r.status(), r.detail()));
                if (r.status() != ProjectorReport.Status.BUDGET_SPENT || deadline.passed()) it.remove();
            }
        }
        return List.copyOf(last.values());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Ingests one object version, up to the deadline. Idempotent per object version. */
    public FileReport ingestFile(ObjectRef ref, ObjectSource source, Deadline deadline) {
        return ingestFile(ref, source, deadline, null);
    }

    /**
     * As {@link #ingestFile(ObjectRef, ObjectSource, Deadline)}, with the notification's ordering
     * token (S3 sequencer, GCS generation): a notification older than one already processed for the
     * key ingests nothing.
     */
    public FileReport ingestFile(ObjectRef ref, ObjectSource source, Deadline deadline, ObjectSequencer sequencer) {
        return ingestFile(ref, source, deadline, sequencer, null);
    }

    /**
     * As {@link #ingestFile(ObjectRef, ObjectSource, Deadline, ObjectSequencer)}, with the trace context the
     * notification carried (may be null): its trace id becomes the correlation id of the file's events
     * when this is the first claim of the object version, so derived messages continue the trace.
     */
    @Override
    public FileReport ingestFile(ObjectRef ref, ObjectSource source, Deadline deadline, ObjectSequencer sequencer, TraceContext trace) {
        // every overload ends here, so every path (CLI and both clouds' functions) is counted once
        // a paused feed's new versions are held, not loaded (FileIngester, on the attempt's connection)
        FileReport report = files.ingest(ref, source, deadline, sequencer, trace);
        metrics.file(report);
        return report;
    }

    /**
     * Pauses a file feed: from now on its new object versions are held in the ledger, not loaded
     * (see {@link #resumeFeed}). Message feeds are not paused here (see the operations guide).
     */
    public FeedPauses.Pause pauseFeed(String feed, String operator, String reason) {
        requireFileFeed(feed);
        FeedPauses.Pause pause = pauses.pause(feed, operator, reason);
        metrics.pausedFeeds(pauses.pausedNames().size());
        return pause;
    }

    /**
     * Resumes a feed and loads the versions it held, in arrival order, each read through
     * {@code sources}; one failing version never stops the others (its result says why, and it stays
     * HELD for the next resume or redelivery). Also loads what a feed that is no longer paused still
     * holds (an earlier resume interrupted).
     */
    public List<HeldFileResult> resumeFeed(String feed, String operator, SourceResolver sources, Deadline deadline) {
        requireFileFeed(feed);
        pauses.resume(feed, operator);
        metrics.pausedFeeds(pauses.pausedNames().size());
        List<HeldFileResult> results = new ArrayList<>();
        for (LedgerEntry held : pauses.held(feed)) {
            try {
                results.add(new HeldFileResult(held, ingestFile(held.ref(), sources.sourceFor(held.ref()), deadline), null));
            } catch (RuntimeException e) {
                results.add(new HeldFileResult(held, null, e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }
        return results;
    }

    /** The open pauses, by feed name. */
    public List<FeedPauses.Pause> pausedFeeds() {
        List<FeedPauses.Pause> paused = pauses.paused();
        metrics.pausedFeeds(paused.size());
        return paused;
    }

    /** How many versions each feed holds (feeds holding none are left out). */
    public Map<String, Long> heldFiles() {
        return pauses.heldCounts();
    }

    private void requireFileFeed(String feed) {
        if (feeds.feed(feed).isPresent()) return;
        if (feeds.messageFeed(feed).isPresent()) {
            throw new IllegalArgumentException("feed " + feed + " is a message feed: pause its queue or subscription at the "
                    + "broker instead (held here, its bodies would have to be stored; left on the queue they would be "
                    + "redelivered and dead-lettered)");
        }
        throw new IllegalArgumentException("no feed named " + feed);
    }

    /**
     * Runs a COMPLETED or REJECTED object version again (after a feed fix), audited in
     * {@code reprocess_runs}: the version is reopened at its start, keeping its ledger row and claim
     * history, and ingested once more through {@code sources}; records already stored count as
     * duplicates, changed ones follow the feed's conflict handling. The run's outcome and counts go
     * into its audit row. A version in any other state is not reopened (the report says which).
     */
    public ReprocessReport reprocess(Reprocessing.Request request, SourceResolver sources, Deadline deadline) {
        Optional<LedgerEntry> entry = tx.inTransaction(c -> LedgerEntry.byId(c, request.fileId()));
        if (entry.isEmpty()) return new ReprocessReport(new Reprocessing.Reopen.Unknown(request.fileId()), null);
        // what could fail without a change, fails before one: the feed, the source
        files.feedFor(entry.get().ref());
        ObjectSource source = sources.sourceFor(entry.get().ref());
        Reprocessing.Reopen reopen = reprocessing.reopen(request);
        if (!(reopen instanceof Reprocessing.Reopen.Reopened opened)) return new ReprocessReport(reopen, null);
        FileReport report;
        try {
            report = files.ingest(opened.before().ref(), source, deadline, null, null);
        } catch (RuntimeException e) {
            reprocessing.record(opened.runId(), "FAILED", Counts.ZERO, String.valueOf(e.getMessage()));
            throw e;
        }
        metrics.file(report);
        reprocessing.record(opened.runId(), report.outcome().name(), report.counts(), report.firstError());
        return new ReprocessReport(reopen, report);
    }

    /**
     * Releases a file's lease for an operator: a dead holder's (expired, or {@code knownDead}) at
     * once; a live one only with force, audited as FORCED. The checkpoint stays.
     */
    public Leases.Unlock unlock(Leases.UnlockRequest request, Predicate<String> knownDead) {
        return leases.unlock(request, knownDead);
    }

    /**
     * Gives up the claim of every file this process is ingesting now (for a shutdown hook: Ctrl-C,
     * SIGTERM): released and audited, checkpoints kept; returns the ids released.
     */
    public List<Long> releaseClaims(String reason) {
        return files.releaseActive(reason);
    }

    /** Deletes old bookkeeping rows in bounded batches (see {@link Retention}); never events. */
    public Retention.Report purge(Retention.Request request) {
        return retention.purge(request);
    }

    /**
     * Records that an object version was removed (ObjectRemoved / OBJECT_DELETE); ingests nothing. A
     * removal older (by {@code sequencer}) than a notification already processed for the key is
     * discarded: STALE_NOTIFICATION.
     */
    @Override
    public FileReport recordRemoval(ObjectRef ref, ObjectSequencer sequencer) {
        FileReport report = files.recordRemoval(ref, sequencer);
        metrics.file(report);
        return report;
    }

    /** Appends the events a message carries, once per message id and once per event id. */
    @Override
    public MessageOutcome ingestMessage(InboundMessage message) {
        MessageOutcome outcome = messages.ingest(message);
        metrics.message(outcome);
        return outcome;
    }

    /** Records a message that failed permanently, with the reason, before it goes to the dead-letter path. */
    @Override
    public void recordFailedMessage(InboundMessage message, String reason) {
        messages.recordFailure(message, reason);
        metrics.messageFailed();
    }

    /** What every cloud's entry points hand a decoded delivery to: this core over the cloud's object source. */
    public DeliveryHandler deliveryHandler(ObjectSource objects, VerdictObserver observer) {
        return new DeliveryHandler(this, objects, observer);
    }

    /**
     * The observer that wakes the relay after each delivery whose commits queued outbox rows, at most
     * once per window per instance ({@link io.inlet.outbox.WakeCoalescer}); each commit's result is
     * counted as {@code inlet.relay.wakes} by {@code result} (SENT, COALESCED, FAILED). Both clouds
     * hand it to {@link #deliveryHandler}.
     */
    public io.inlet.trigger.WakeOnCommit wakeOnCommit(io.inlet.outbox.RelayWaker waker, io.inlet.outbox.RelayWakeSettings settings) {
        return wakeOnCommit(waker, settings, null);
    }

    /**
     * As {@link #wakeOnCommit(io.inlet.outbox.RelayWaker, io.inlet.outbox.RelayWakeSettings)}, sending each wake on
     * {@code sender} (one thread, tasks in order; null: on the committing thread), so that its round trip
     * overlaps the rest of the invocation; the caller then calls {@link io.inlet.trigger.WakeOnCommit#awaitSent}
     * before the invocation ends (AWS: an SQS batch's other messages run while the wake is sent).
     */
    public io.inlet.trigger.WakeOnCommit wakeOnCommit(io.inlet.outbox.RelayWaker waker, io.inlet.outbox.RelayWakeSettings settings,
                                                      java.util.concurrent.Executor sender) {
        return new io.inlet.trigger.WakeOnCommit(feeds,
                new io.inlet.outbox.WakeCoalescer(waker, settings, System::nanoTime, metrics::relayWake, sender));
    }

    /**
     * A relay run started by a wake-up: drains the outbox, then lingers for the commits the wake
     * coalesced ({@link io.inlet.outbox.WokenRelay}); wakes {@code successor} when the deadline stops it
     * with rows pending.
     */
    public RelayReport relayWoken(EventPublisher publisher, Deadline deadline, io.inlet.outbox.RelayWakeSettings settings,
                                  io.inlet.outbox.RelayWaker successor) {
        return io.inlet.outbox.WokenRelay.of(settings).run(d -> relay(publisher, d), deadline, successor);
    }

    /** Publishes due outbox rows until the outbox is drained or the deadline passes. */
    public RelayReport relay(EventPublisher publisher, Deadline deadline) {
        RelayReport report = relay.run(publisher, deadline);
        metrics.relay(report);
        return report;
    }

    /**
     * The scheduled arrival check: each expecting feed's slots whose deadline passed are judged and
     * their FileMissing, FileLate and FileShort events emitted once through the outbox; file sets past
     * their timeout get FileSetIncomplete. Running it again emits nothing new. Its figures go to the
     * meters ({@link InletMetrics#arrivals}).
     */
    public io.inlet.arrival.ArrivalReport checkArrivals() {
        io.inlet.arrival.ArrivalReport report = arrivals.run();
        metrics.arrivals(report);
        return report;
    }

    /** Each file feed's freshness (newest file, next expected slot, state), for {@code inlet status}. */
    public List<io.inlet.arrival.Freshness> freshness() {
        return arrivals.freshness();
    }

    /**
     * Runs each catch-up subscription's slices (io.inlet.read.SubscriptionRunner) until each is at its
     * tail, has used its share, or the deadline passes: the relay functions call it after {@link #relay}.
     * A subscription that asks for schema versions is upcast with the feeds file's upcasters.
     */
    public io.inlet.read.SubscriptionReport subscriptions(EventPublisher publisher, Deadline deadline) {
        return new io.inlet.read.SubscriptionRunner(tx, io.inlet.read.SubscriptionRunner.Settings.DEFAULTS, feeds.schemaCatalog())
                .runAll(publisher, deadline);
    }

    /** The meters this core reports (files, records, messages, relay, outbox lag). */
    public MeterRegistry meterRegistry() {
        return metrics.registry();
    }

    public FeedRegistry feeds() {
        return feeds;
    }

    /** Configures an {@link Inlet}; {@link #build()} validates and fails at start-up when wrong. */
    public static final class Builder {
        private DataSource dataSource;
        private FeedRegistry feeds;
        private String workerId;
        private Duration leaseDuration = Duration.ofMinutes(15);
        private int maxFailedAttempts = FileIngester.DEFAULT_MAX_FAILED_ATTEMPTS;
        private RelaySettings relaySettings = RelaySettings.DEFAULTS;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meterRegistry;

        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        public Builder feeds(FeedRegistry feeds) {
            this.feeds = feeds;
            return this;
        }

        /** Names this worker in leases (a Lambda log stream, a hostname); {@code worker} when unset. */
        public Builder workerId(String workerId) {
            this.workerId = workerId;
            return this;
        }

        /** How long a claim on a file lasts without a checkpoint before another worker may take over. */
        public Builder leaseDuration(Duration leaseDuration) {
            this.leaseDuration = leaseDuration;
            return this;
        }

        /**
         * How many attempts of a file may fail in a row, without progress, with an error that is
         * neither transient nor known to be permanent (a missing grant, a trigger raising, a defect)
         * before the next such failure records the file REJECTED instead of releasing it for another
         * attempt; default {@value FileIngester#DEFAULT_MAX_FAILED_ATTEMPTS}, at least 1.
         */
        public Builder maxFailedAttempts(int maxFailedAttempts) {
            this.maxFailedAttempts = maxFailedAttempts;
            return this;
        }

        public Builder relaySettings(RelaySettings relaySettings) {
            this.relaySettings = relaySettings;
            return this;
        }

        /** Where the core's meters go (default: an in-memory registry, see {@link Inlet#meterRegistry()}). */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Builds the core after checking that the database is reachable and migrated with every
         * event table the feeds name; fails with a message saying what to fix.
         */
        public Inlet build() {
            Objects.requireNonNull(dataSource, "Inlet needs a dataSource");
            Objects.requireNonNull(feeds, "Inlet needs feeds");
            if (leaseDuration.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("lease duration must be at least 1s: " + leaseDuration);
            }
            if (maxFailedAttempts < 1) {
                throw new IllegalArgumentException("max failed attempts must be at least 1: " + maxFailedAttempts);
            }
            // nothing random here: the lease owners add a random part when the first attempt begins
            // (after a SnapStart restore, not in the snapshot)
            if (workerId == null || workerId.isBlank()) workerId = "worker";
            checkSchema();
            return new Inlet(this, new Transactions(dataSource));
        }

        /** An inline projection's table must exist before the first append, or every append to its events would fail. */
        private void checkInlineProjections(Connection c) throws SQLException {
            List<String> inline = feeds.projections().all().stream()
                    .filter(p -> p.mode() == io.inlet.projection.ProjectionMode.INLINE).map(Projection::name).toList();
            if (inline.isEmpty()) return;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT t FROM unnest(?::text[]) t WHERE NOT EXISTS (SELECT 1 FROM inlet.projections p WHERE p.name = t "
                            + "AND p.mode = 'inline' AND p.retired_at IS NULL) ORDER BY t")) {
                ps.setArray(1, c.createArrayOf("text", inline.toArray()));
                List<String> missing = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) missing.add(rs.getString(1));
                }
                if (!missing.isEmpty()) {
                    throw new io.inlet.db.SchemaMissingException("inline projections " + missing
                            + " are not built in this database (or were retired, or built async): run `inlet migrate` (it builds them from history)",
                            null);
                }
            }
        }

        private void checkSchema() {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "SELECT t FROM unnest(?::text[]) t WHERE NOT EXISTS "
                                 + "(SELECT 1 FROM inlet.event_tables e WHERE e.table_name = t) ORDER BY t")) {
                ps.setArray(1, c.createArrayOf("text", feeds.eventTables().toArray()));
                List<String> missing = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) missing.add(rs.getString(1));
                }
                if (!missing.isEmpty()) {
                    throw new io.inlet.db.SchemaMissingException("event tables " + missing + " named by the feeds do not exist: run `inlet migrate`", null);
                }
                checkInlineProjections(c);
            } catch (SQLException e) {
                if (io.inlet.db.SchemaMissingException.isMissingRelation(e.getSQLState())) {
                    throw new io.inlet.db.SchemaMissingException("the Inlet schema is missing: run `inlet migrate` first", e);
                }
                throw Transactions.translate(e);
            }
        }
    }
}
