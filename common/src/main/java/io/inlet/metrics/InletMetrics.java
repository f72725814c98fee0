package io.inlet.metrics;

import io.inlet.arrival.AlertKind;
import io.inlet.arrival.ArrivalReport;
import io.inlet.ingest.FileOutcome;
import io.inlet.ingest.FileReport;
import io.inlet.ingest.MessageOutcome;
import io.inlet.outbox.RelayReport;
import io.inlet.sweep.Finding;
import io.inlet.sweep.SweepReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters Inlet reports, in one place: files by feed and outcome; records by feed and outcome
 * (counted once, when their file finishes); messages by status and failures; relay publishes,
 * failures, pending rows, outbox lag and blocked outbox rows; sweep findings; arrival alerts; cold starts. Micrometer
 * names; a registry of the caller's choice (the CLI's, a test's, a function's). This is the only
 * meter model: the clouds export it ({@link MeterDeltas} gives what changed since the last export),
 * they define no metric of their own.
 */
public final class InletMetrics {

    /**
     * The gauges' values of each registry, shared by every InletMetrics over it (the CLI's and its
     * core's; a function's core and its sweep or cold-start meters): a gauge is registered once, so a
     * second instance with values of its own would set numbers nobody reads. Weak keys: a registry
     * that is gone takes its values with it; strong values: Micrometer holds gauge state weakly.
     */
    private static final Map<MeterRegistry, GaugeValues> GAUGES = Collections.synchronizedMap(new WeakHashMap<>());

    private record GaugeValues(AtomicLong pending, AtomicLong lagMillis, AtomicLong blocked, AtomicLong paused) {
    }

    private final MeterRegistry registry;
    private final AtomicLong pending;
    private final AtomicLong lagMillis;
    private final AtomicLong blocked;
    private final AtomicLong paused;

    public InletMetrics(MeterRegistry registry) {
        this.registry = registry;
        GaugeValues values = GAUGES.computeIfAbsent(registry, InletMetrics::register);
        this.pending = values.pending();
        this.lagMillis = values.lagMillis();
        this.blocked = values.blocked();
        this.paused = values.paused();
    }

    private static GaugeValues register(MeterRegistry registry) {
        GaugeValues v = new GaugeValues(new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong());
        Gauge.builder("inlet.outbox.pending", v.pending(), AtomicLong::get).description("unpublished outbox rows").register(registry);
        Gauge.builder("inlet.outbox.lag", v.lagMillis(), x -> x.get() / 1000.0).baseUnit("seconds")
                .description("age of the oldest unpublished outbox row").register(registry);
        Gauge.builder("inlet.outbox.blocked", v.blocked(), AtomicLong::get)
                .description("outbox rows blocked after the relay's attempt limit; each holds its stream until retried or released")
                .register(registry);
        Gauge.builder("inlet.feeds.paused", v.paused(), AtomicLong::get)
                .description("feeds paused by an operator (their new files are held, not loaded)").register(registry);
        return v;
    }

    /** The number of paused feeds, as last read. */
    public void pausedFeeds(int n) {
        paused.set(n);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void file(FileReport r) {
        String feed = r.feed() == null ? "-" : r.feed();
        counter("inlet.files", "feed", feed, "outcome", r.outcome().name()).increment();
        if ((r.outcome() == FileOutcome.COMPLETED || r.outcome() == FileOutcome.REJECTED) && r.counts() != null) {
            record(feed, "read", r.counts().read());
            record(feed, "appended", r.counts().appended());
            record(feed, "duplicate", r.counts().duplicate());
            record(feed, "conflict", r.counts().conflict());
            record(feed, "rejected", r.counts().rejected());
        }
    }

    public void message(MessageOutcome m) {
        counter("inlet.messages", "status", m.status().name()).increment();
        if (m.status() == MessageOutcome.Status.APPENDED) {
            counter("inlet.message.events", "outcome", "appended").increment(m.counts().appended());
            counter("inlet.message.events", "outcome", "duplicate").increment(m.counts().duplicate());
            counter("inlet.message.events", "outcome", "conflict").increment(m.counts().conflict());
        }
    }

    public void messageFailed() {
        counter("inlet.messages", "status", "FAILED").increment();
    }

    /** One commit that queued outbox rows, and what became of its relay wake-up (sent, coalesced, failed). */
    public void relayWake(io.inlet.outbox.WakeCoalescer.Result result) {
        counter("inlet.relay.wakes", "result", result.name()).increment();
    }

    public void relay(RelayReport r) {
        counter("inlet.relay.published").increment(r.published());
        counter("inlet.relay.publish.failures").increment(r.failed());
        counter("inlet.relay.blocked").increment(r.newlyBlocked());
        pending.set(r.pending());
        blocked.set(r.blocked());
        lagMillis.set(Math.round(r.oldestPendingAgeSeconds() * 1000));
    }

    /** Sets the outbox gauges to the backlog as read from the database (not from a relay run). */
    public void outbox(long pendingRows, double oldestPendingAgeSeconds, long blockedRows) {
        pending.set(pendingRows);
        blocked.set(blockedRows);
        lagMillis.set(Math.round(oldestPendingAgeSeconds * 1000));
    }

    /**
     * One sweep run over its buckets: objects listed, objects the ledger does not account for (the
     * {@code SweepMissingObjects} alarm) and each finding.
     */
    public void sweep(List<SweepReport> reports) {
        counter("inlet.sweep.listed.objects").increment(reports.stream().mapToLong(SweepReport::listed).sum());
        counter("inlet.sweep.missing.objects").increment(reports.stream().mapToLong(r -> r.missing().size()).sum());
        for (Finding f : Finding.values()) {
            long n = reports.stream().mapToLong(r -> r.counts().get(f)).sum();
            counter("inlet.sweep.findings", "finding", f.name().toLowerCase(Locale.ROOT)).increment(n);
        }
    }

    /**
     * One arrival check run: {@code inlet.arrival.alerts}, every alert and incomplete file set it
     * emitted (each is emitted once per slot or set, so a run counts new ones only: the
     * {@code ArrivalAlerts} alarm), and {@code inlet.arrival.emitted} by {@code kind} (FileMissing,
     * FileLate, FileShort, FileSetIncomplete).
     */
    public void arrivals(ArrivalReport r) {
        counter("inlet.arrival.alerts").increment(r.alerts().size() + r.incompleteSets().size());
        for (AlertKind kind : AlertKind.values()) counter("inlet.arrival.emitted", "kind", kind.name()).increment(r.count(kind));
        counter("inlet.arrival.emitted", "kind", INCOMPLETE_SET).increment(r.incompleteSets().size());
    }

    /** The {@code kind} of {@code inlet.arrival.emitted} that counts file sets reported incomplete. */
    public static final String INCOMPLETE_SET = "FileSetIncomplete";

    /** The first invocation of a function instance ({@code function}: its name). */
    public void coldStart(String function) {
        counter("inlet.cold.start", "function", function == null || function.isBlank() ? "-" : function).increment();
    }

    private void record(String feed, String outcome, long n) {
        counter("inlet.records", "feed", feed, "outcome", outcome).increment(n);
    }

    private Counter counter(String name, String... tags) {
        return Counter.builder(name).tags(tags).register(registry);
    }
}
