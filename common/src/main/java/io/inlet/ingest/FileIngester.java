package io.inlet.ingest;

import io.inlet.ledger.Counts;
import io.inlet.failure.Deadline;

import io.inlet.event.EventEnvelope;
import io.inlet.event.EventMapper;
import io.inlet.event.RecordContext;
import io.inlet.event.RecordRejectedException;
import io.inlet.event.TraceContext;
import io.inlet.event.DerivedRoute;
import io.inlet.feed.DuplicateContentPolicy;
import io.inlet.feed.Feed;
import io.inlet.feed.FeedRegistry;
import io.inlet.ledger.CheckpointRequest;
import io.inlet.ledger.Claim;
import io.inlet.ledger.ClaimRequest;
import io.inlet.ledger.FileLedger;
import io.inlet.ledger.FileStatus;
import io.inlet.ledger.FinishRequest;
import io.inlet.ledger.LeaseOwners;
import io.inlet.ledger.Removal;
import io.inlet.ledger.SliceRecord;
import io.inlet.outbox.OutboxStore;
import io.inlet.parse.FileFormatException;
import io.inlet.parse.MalformedRecord;
import io.inlet.parse.RawRecord;
import io.inlet.parse.ReadItem;
import io.inlet.parse.RecordReader;
import io.inlet.parse.RecordReaders;
import io.inlet.parse.ResumePoint;
import io.inlet.parse.StreamOpener;
import io.inlet.source.ObjectGoneException;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import io.inlet.source.ObjectSource;
import io.inlet.store.AppendOutcome;
import io.inlet.store.EventOutcome;
import io.inlet.store.EventStore;
import io.inlet.store.RejectedRecords;
import io.inlet.store.StoreDataException;
import io.inlet.store.Rejection;
import io.inlet.store.TransactionRunner;
import io.inlet.receipt.FinishedFile;
import io.inlet.receipt.Receipts;
import io.inlet.totals.ControlRecords;
import io.inlet.totals.ControlTotalsLedger;
import io.inlet.totals.ControlTotalsPass;
import io.inlet.totals.Verification;
import io.inlet.store.Transactions;
import io.inlet.failure.PermanentException;
import io.inlet.failure.RetryableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file path of the flow: feed -> ledger claim -> reader -> mapper -> store (+ rejects, outbox,
 * checkpoint, one transaction per batch) -> ledger finish with a summary event.
 */
public final class FileIngester {

    private static final Logger LOG = LoggerFactory.getLogger(FileIngester.class);

    private final FeedRegistry feeds;
    private final Transactions tx;
    private final FileLedger ledger;
    private final EventStore store;
    private final RejectedRecords rejected = new RejectedRecords();
    private final OutboxStore outbox = new OutboxStore();
    private final ControlTotalsLedger controlTotals = new ControlTotalsLedger();
    private final Receipts receipts;
    private final LeaseOwners owners;
    private final Duration lease;
    private final Clock clock;
    private final int maxFailedAttempts;
    /** The files this process holds a claim on right now, by lease owner (for {@link #releaseActive}). */
    private final Map<String, Long> active = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile java.util.function.IntConsumer pausedFeeds = n -> { };
    private final FileSetGate fileSets;

    /** The default of {@code maxFailedAttempts}. */
    public static final int DEFAULT_MAX_FAILED_ATTEMPTS = 5;

    public FileIngester(FeedRegistry feeds, Transactions tx, String worker, Duration lease, Clock clock) {
        this(feeds, tx, worker, lease, clock, DEFAULT_MAX_FAILED_ATTEMPTS);
    }

    /**
     * As above; after {@code maxFailedAttempts} attempts of a file failed in a row without progress,
     * with an error not known to be transient, the next such failure records the file REJECTED.
     */
    public FileIngester(FeedRegistry feeds, Transactions tx, String worker, Duration lease, Clock clock,
                        int maxFailedAttempts) {
        if (maxFailedAttempts < 1) throw new IllegalArgumentException("max failed attempts must be at least 1: " + maxFailedAttempts);
        this.maxFailedAttempts = maxFailedAttempts;
        this.feeds = feeds;
        this.store = new EventStore(feeds.projections());
        this.tx = tx;
        this.ledger = new FileLedger(tx);
        this.receipts = new Receipts(tx);
        this.owners = new LeaseOwners(worker);
        this.lease = lease;
        this.clock = clock;
        this.fileSets = new FileSetGate(ledger, new SetMembers(),
                (feed, ref) -> feeds.matchObject(ref.bucket(), ref.key()).filter(f -> f.name().equals(feed.name())).isPresent(), clock);
    }

    /** The feed an object belongs to; a key outside every feed, too long for a bucket, or with {@code ..} segments, is refused. */
    public Feed feedFor(ObjectRef ref) {
        io.inlet.feed.ObjectKeys.tooLong(ref.key()).ifPresent(why -> {
            throw new NoFeedException("refusing key: " + why + ": " + ref.bucket() + "/" + ref.key().substring(0, ref.key().offsetByCodePoints(0, 64)) + "...");
        });
        for (String segment : ref.key().split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new NoFeedException("refusing key with a '" + segment + "' segment: " + ref.displayName());
            }
        }
        return feeds.matchObject(ref.bucket(), ref.key())
                .orElseThrow(() -> new NoFeedException("no feed matches " + ref.displayName()));
    }

    public FileReport recordRemoval(ObjectRef ref, ObjectSequencer sequencer) {
        String feed = feeds.matchObject(ref.bucket(), ref.key()).map(Feed::name).orElse("-");
        Removal removal = ledger.recordRemoval(ref, feed, sequencer);
        if (removal instanceof Removal.Stale stale) {
            LOG.atInfo().setMessage("stale removal of {}: a newer notification (sequencer {}) was already seen")
                    .addArgument(ref.displayName()).addArgument(stale.newerSequencer()).addKeyValue("bucket", ref.bucket())
                    .addKeyValue("key", ref.key()).addKeyValue("version", ref.version()).addKeyValue("sequencer", sequencer).log();
            return new FileReport(null, ref, feed, FileOutcome.STALE_NOTIFICATION, Counts.ZERO, Duration.ZERO,
                    "a newer notification (sequencer " + stale.newerSequencer() + ") was already seen", null);
        }
        long id = ((Removal.Recorded) removal).fileId();
        LOG.atInfo().setMessage("object removed: {}").addArgument(ref.displayName()).addKeyValue("bucket", ref.bucket())
                .addKeyValue("key", ref.key()).addKeyValue("version", ref.version()).addKeyValue("fileId", id).log();
        return new FileReport(id, ref, feed, FileOutcome.REMOVED, Counts.ZERO, Duration.ZERO, null, null);
    }

    public FileReport ingest(ObjectRef ref, ObjectSource source, Deadline deadline, ObjectSequencer sequencer) {
        return ingest(ref, source, deadline, sequencer, null);
    }

    /** As above; {@code trace} (may be null) gives a first claim its correlation id: the trace id. */
    public FileReport ingest(ObjectRef ref, ObjectSource source, Deadline deadline, ObjectSequencer sequencer, TraceContext trace) {
        java.util.Optional<Feed> control = feeds.controlOwner(ref.bucket(), ref.key());
        if (control.isPresent()) return controlObjectArrived(ref, source, deadline, control.get());
        Instant started = clock.instant();
        Feed feed = feedFor(ref);
        String owner = owners.begin();
        FileReport report;
        // one connection for the whole attempt: claim, every batch, finish
        try (Transactions.Session db = tx.session()) {
            report = attempt(ref, source, deadline, sequencer, trace, feed, owner, started, db);
        } finally {
            active.remove(owner);
            owners.end(owner);
        }
        LOG.atInfo().setMessage("file {}: {}").addArgument(ref.displayName()).addArgument(report.outcome())
                .addKeyValue("feed", feed.name()).addKeyValue("bucket", ref.bucket()).addKeyValue("key", ref.key())
                .addKeyValue("version", ref.version()).addKeyValue("fileId", report.fileId())
                .addKeyValue("outcome", report.outcome()).addKeyValue("recordsRead", report.counts().read())
                .addKeyValue("appended", report.counts().appended()).addKeyValue("duplicate", report.counts().duplicate())
                .addKeyValue("conflict", report.counts().conflict()).addKeyValue("rejected", report.counts().rejected())
                .addKeyValue("durationMs", report.duration().toMillis()).log();
        return report;
    }

    /**
     * A receipt (Inlet's own output: never read) or a control sidecar: the data files waiting for
     * that sidecar are attempted now (the report of the last, so that a suspension is continued).
     */
    private FileReport controlObjectArrived(ObjectRef ref, ObjectSource source, Deadline deadline, Feed feed) {
        String dataKey = feed.dataKeyOfSidecar(ref.key());
        List<ObjectRef> waiting = dataKey == null ? List.of() : controlTotals.waitingFor(tx, ref.bucket(), ref.key());
        FileReport last = null;
        for (ObjectRef data : waiting) last = ingest(data, source, deadline, null, null);
        if (last != null) return last;
        return new FileReport(null, ref, feed.name(), FileOutcome.CONTROL_OBJECT, Counts.ZERO, Duration.ZERO,
                dataKey == null ? "a receipt of feed " + feed.name() + ": Inlet's own output, never ingested"
                        : "the control sidecar of " + dataKey + " (no file waits for it)", null);
    }

    /** One attempt under its own lease owner: claim, then run or say why not. */
    private FileReport attempt(ObjectRef ref, ObjectSource source, Deadline deadline, ObjectSequencer sequencer, TraceContext trace,
                               Feed feed, String owner, Instant started, Transactions.Session db) {
        FileReport held = holdIfPaused(ref, sequencer, feed, db);
        if (held != null) return held;
        if (feed.fileSet() != null) {
            // a member or marker of a gated set: held in its set, which loads as one unit (FileSetGate)
            FileReport gated = fileSets.arrive(ref, source, sequencer, feed, db);
            if (gated != null) return gated;
        }
        Claim claim = new FileLedger(db).claim(ClaimRequest.builder(ref, feed.name(), owner, lease).sequencer(sequencer)
                .correlationId(trace == null ? null : trace.traceId()).owners(owners).lanes(feed.lanesFor(ref.size()))
                .build());
        if (claim instanceof Claim.Claimed c) active.put(owner, c.fileId());
        FileReport report;
        if (claim instanceof Claim.Finished f) {
            report = new FileReport(f.fileId(), ref, feed.name(), FileOutcome.ALREADY_COMPLETED, f.counts(),
                    since(started), f.firstError(), null);
            // a redelivery rewrites the same receipt: one that failed to be written is written now
            receipts.issue(feed, source, new FinishedFile(f.fileId(), feed.name(), ref, f.status(), f.counts(), f.firstError()));
        } else if (claim instanceof Claim.Busy b) {
            report = new FileReport(b.fileId(), ref, feed.name(), FileOutcome.IN_PROGRESS_ELSEWHERE, Counts.ZERO,
                    since(started), "leased by " + b.leaseOwner() + " until " + b.leaseExpiresAt(), null);
        } else if (claim instanceof Claim.Stale s) {
            report = new FileReport(null, ref, feed.name(), FileOutcome.STALE_NOTIFICATION, Counts.ZERO,
                    since(started), "a newer notification (sequencer " + s.newerSequencer() + ") was already seen", null);
        } else {
            report = run(new Attempt(ref, source, feed, (Claim.Claimed) claim, deadline, started, owner, db));
        }
        return report;
    }

    /**
     * While the feed is paused, a version the ledger has not seen, or holds already, is recorded
     * HELD and nothing is loaded (the trigger is answered as done); null when the feed runs or the
     * ledger has the version in another state (handled as usual). On the attempt's connection.
     */
    private FileReport holdIfPaused(ObjectRef ref, ObjectSequencer sequencer, Feed feed, Transactions.Session db) {
        io.inlet.ledger.FeedPauses pauses = new io.inlet.ledger.FeedPauses(db);
        java.util.Set<String> paused = pauses.pausedNames();
        pausedFeeds.accept(paused.size());
        if (!paused.contains(feed.name())) return null;
        return pauses.hold(ref, feed.name(), sequencer)
                .map(id -> new FileReport(id, ref, feed.name(), FileOutcome.HELD, Counts.ZERO, Duration.ZERO,
                        "feed " + feed.name() + " is paused", null))
                .orElse(null);
    }

    /**
     * The members of a file set, each run through the usual path inside the set's one transaction:
     * claimed (a HELD row becomes IN_PROGRESS), read to the end with no deadline on one lane, finished.
     */
    private final class SetMembers implements FileSetGate.MemberLoader {
        @Override
        public FileReport load(ObjectRef ref, ObjectSource source, Feed feed, TransactionRunner set) {
            return inSet(ref, source, feed, set, null);
        }

        @Override
        public FileReport marker(ObjectRef ref, ObjectSource source, Feed feed, TransactionRunner set, String note) {
            return inSet(ref, source, feed, set, note);
        }

        /** {@code markerNote} non-null: the marker's row is finished COMPLETED with it, nothing read. */
        private FileReport inSet(ObjectRef ref, ObjectSource source, Feed feed, TransactionRunner set, String markerNote) {
            Instant started = clock.instant();
            String owner = owners.begin();
            try {
                Claim claim = new FileLedger(set).claim(ClaimRequest.builder(ref, feed.name(), owner, lease).owners(owners)
                        .lanes(1).build());
                if (!(claim instanceof Claim.Claimed c)) {
                    throw new IllegalStateException("file set member " + ref.displayName() + " was not held: " + claim);
                }
                Attempt a = new Attempt(ref, source, feed, c, Deadline.none(), started, owner, set);
                return markerNote == null ? run(a) : finish(a, Ending.completed(null, markerNote, c.resumeFrom()));
            } finally {
                owners.end(owner);
            }
        }
    }

    /** Told the number of paused feeds whenever an attempt reads it (the metrics gauge). */
    public void onPausedFeeds(java.util.function.IntConsumer listener) {
        this.pausedFeeds = listener;
    }

    /** Everything one claimed attempt needs; {@code db} is the attempt's connection. */
    private record Attempt(ObjectRef ref, ObjectSource source, Feed feed, Claim.Claimed claim, Deadline deadline,
                           Instant started, String owner, TransactionRunner db) {
        String sourceName() {
            return ref.bucket().equals(io.inlet.source.LocalFileSource.BUCKET) ? "file:" + ref.key()
                    : ref.bucket() + "/" + ref.key() + (ref.version() == null ? "" : "#" + ref.version());
        }
    }

    private FileReport run(Attempt a) {
        try {
            if (!a.claim().resumed()) {
                if (a.feed().duplicateContent() == DuplicateContentPolicy.SKIP) {
                    String sha = sha256(a);
                    Long dup = a.db().inTransaction(c -> ledger.completedWithContent(c, sha, a.claim().fileId()).orElse(null));
                    if (dup != null) {
                        return finish(a, Ending.duplicateOf(dup, sha, a.claim().resumeFrom()));
                    }
                }
                FileReport stopped = checkControlTotals(a);
                if (stopped != null) return stopped;
                if (a.feed().errors().needsValidationPass()) {
                    FileReport rejectedReport = validate(a);
                    if (rejectedReport != null) return rejectedReport;
                }
            }
            return load(a);
        } catch (FileFormatException | ObjectGoneException e) {
            return finish(a, Ending.rejected(e.getMessage(), a.claim().resumeFrom()));
        } catch (IOException e) {
            releaseQuietly(a);
            throw new RetryableException("reading " + a.ref().displayName() + " failed: " + e.getMessage(), e);
        } catch (PermanentException e) {
            return rejectForGood(a, e);
        } catch (RetryableException e) {
            // transient by classification (database unreachable or busy, lease lost): not counted
            if (!(e instanceof io.inlet.ledger.LeaseLostException)) releaseQuietly(a);
            throw e;
        } catch (RuntimeException e) {
            return failedAttempt(a, e);
        }
    }

    /**
     * A failure known to be neither transient nor permanent (an unclassified database error such as
     * a missing grant or a trigger raising, which the operator can fix; a defect outside the mapper):
     * the ledger counts it with its reason and the file is released for another attempt, and the
     * failure surfaces so that the platform tries again. Once {@code maxFailedAttempts} attempts
     * failed in a row without progress, the next such failure records the file REJECTED with the
     * reason instead: never an endless retry.
     */
    private FileReport failedAttempt(Attempt a, RuntimeException e) {
        String reason = e.getClass() == IllegalStateException.class && e.getMessage() != null ? e.getMessage() : e.toString();
        int failures;
        try {
            failures = a.db().inTransaction(c -> ledger.recordFailure(c, a.claim().fileId(), a.owner(), reason,
                    maxFailedAttempts));
        } catch (RuntimeException again) {
            e.addSuppressed(again);
            releaseQuietly(a);
            throw e;
        }
        if (failures <= maxFailedAttempts) {
            LOG.warn("file {}: attempt failed ({} of {} without progress before giving up), released for another attempt",
                    a.ref().displayName(), failures, maxFailedAttempts, e);
            throw e;
        }
        LOG.error("file {}: {} attempts failed in a row without progress, recording it as REJECTED",
                a.ref().displayName(), failures, e);
        return recordRejected(a, e, "gave up after " + failures + " failed attempts without progress: " + reason);
    }

    /**
     * A failure known to be permanent (a {@link PermanentException}: the database refusing data
     * outside the append, which batch isolation cannot pin on a record) that no single record
     * accounts for: the file is recorded REJECTED with the reason, so that it never comes back in an
     * endless retry. What earlier batches committed stays (events are append-only); the ledger's
     * counts say how far it got. If even that cannot be recorded, the failure surfaces.
     */
    private FileReport rejectForGood(Attempt a, PermanentException e) {
        LOG.error("file {}: permanent failure, recording it as REJECTED", a.ref().displayName(), e);
        return recordRejected(a, e, "permanent failure: " + e.getMessage());
    }

    /** Finishes the file REJECTED with {@code error}; if even that cannot be recorded, {@code e} surfaces. */
    private FileReport recordRejected(Attempt a, RuntimeException e, String error) {
        try {
            return finish(a, Ending.rejected(error, a.claim().resumeFrom()));
        } catch (RuntimeException again) {
            e.addSuppressed(again);
            releaseQuietly(a);
            throw e;
        }
    }

    /**
     * The control totals pass, before any record of the file loads: null when the feed declares none
     * or they match (recorded, with where the control records are); else the report of the file
     * REJECTED with both values, or HELD while its sidecar has not arrived (until the feed's wait).
     */
    private FileReport checkControlTotals(Attempt a) throws IOException {
        if (!a.feed().totals().declared()) return null;
        long id = a.claim().fileId();
        String feed = a.feed().name();
        ControlTotalsPass.Result result = new ControlTotalsPass(a.feed(), a.source(), a.ref(), a.deadline()).run();
        if (result instanceof ControlTotalsPass.SidecarMissing missing) return awaitSidecar(a, missing.key());
        Verification v = ((ControlTotalsPass.Checked) result).verification();
        a.db().inTransaction(c -> {
            controlTotals.recordVerification(c, id, feed, v);
            return null;
        });
        if (v.matched()) return null;
        LOG.warn("file {}: {}", a.ref().displayName(), v.mismatchReport());
        return finish(a, Ending.rejected(v.mismatchReport(), a.claim().resumeFrom()));
    }

    /** The sidecar is not there: HELD (lease released) until it arrives, REJECTED once the feed's wait is over. */
    private FileReport awaitSidecar(Attempt a, String sidecarKey) {
        long id = a.claim().fileId();
        String feed = a.feed().name();
        Instant now = clock.instant();
        Instant since = a.db().inTransaction(c -> controlTotals.waiting(c, id, feed, sidecarKey, now));
        Duration wait = a.feed().totals().sidecar().waitFor();
        String sidecar = a.ref().bucket() + "/" + sidecarKey;
        if (!now.isBefore(since.plus(wait))) {
            a.db().inTransaction(c -> {
                controlTotals.sidecarLate(c, id, feed, sidecarKey, since);
                return null;
            });
            return finish(a, Ending.rejected("control totals: sidecar " + sidecar + " did not arrive within " + wait
                    + " (waiting since " + since + ")", a.claim().resumeFrom()));
        }
        releaseQuietly(a);
        return new FileReport(id, a.ref(), feed, FileOutcome.HELD, Counts.ZERO, since(a.started()),
                "waiting for control sidecar " + sidecar + " (since " + since + ", rejected after " + since.plus(wait) + ")", null);
    }

    /** Where the file's header and trailer records are (verified before its first record loaded), to skip them. */
    private ControlRecords controlRecords(Attempt a) {
        if (!a.feed().totals().declared()) return ControlRecords.NONE;
        return a.db().inTransaction(c -> controlTotals.controls(c, a.claim().fileId()));
    }

    /** Reads the whole file without loading; if the error policy rejects it, records that and returns the report. */
    private FileReport validate(Attempt a) throws IOException {
        EventMapper mapper = feeds.mapper(a.feed().name());
        RecordContext ctx = context(a);
        List<Rejection> bad = new ArrayList<>();
        long records = 0;
        DigestingOpener opener = new DigestingOpener(a);
        ResumePoint end;
        ControlRecords controls = controlRecords(a);
        try (RecordReader reader = RecordReaders.open(a.feed().format(), a.ref().displayName(), opener, ResumePoint.START)) {
            requireMappedColumns(a, reader, mapper);
            ReadItem item;
            while ((item = reader.next()) != null) {
                if (controls.skips(item.position().recordNumber())) continue;
                records++;
                Rejection r = Mapped.of(item, mapper, ctx).rejection();
                if (r != null) bad.add(r);
            }
            end = reader.checkpoint();
        }
        if (!a.feed().errors().rejectsFile(records, bad.size())) return null;
        String error = bad.size() + " of " + records + " records bad (policy " + a.feed().errors().kind()
                + "); first: line " + bad.get(0).lineNumber() + ": " + bad.get(0).reason();
        return finish(a, Ending.rejectedByValidation(opener.hex(), error, end, bad, new Counts(records, 0, 0, 0, bad.size())));
    }

    private FileReport load(Attempt a) throws IOException {
        EventMapper mapper = feeds.mapper(a.feed().name());
        RecordContext ctx = context(a);
        ResumePoint from = a.claim().resumeFrom();
        DigestingOpener opener = new DigestingOpener(a);
        String name = "inlet-file-" + a.claim().fileId();
        try (RecordReader reader = RecordReaders.open(a.feed().format(), a.ref().displayName(), opener, from)) {
            requireMappedColumns(a, reader, mapper);
            if (reader.emptyFile()) {
                // not like a file with a header and no records: a vendor's export that wrote nothing says so
                boolean header = a.feed().format().hasHeader();
                return finish(a, Ending.completed(opener.hex(), header ? "empty file: no header" : "empty file: 0 bytes",
                        reader.checkpoint()));
            }
            return load(a, reader, mapper, ctx, from, opener, name);
        }
    }

    private FileReport load(Attempt a, RecordReader reader, EventMapper mapper, RecordContext ctx, ResumePoint from,
                            DigestingOpener opener, String name) throws IOException {
        ResumePoint at = from;
        ControlRecords controls = controlRecords(a);
        try (FileLanes lanes = new FileLanes(a.claim().lanes(), a.db(), tx, name);
             ReadAhead batches = new ReadAhead(name + "-read", () -> assemble(reader, mapper, ctx, a, controls))) {
            for (FileBatch batch; (batch = batches.next()) != null; ) {
                ResumePoint next = batch.next;
                lanes.commit(batch, (lane, db, share) -> commit(a, db, lane, share, next));
                at = next;
                if (batch.end == FileBatch.End.END_OF_FILE) {
                    String sha = from.isStart() ? opener.hex() : null;
                    return finish(a, Ending.completed(sha, null, at));
                }
                if (a.deadline().passed()) break;
            }
            // stopped at the deadline: record the slice first, while the reader thread winds down
            return finish(a, Ending.suspended(at));
        }
    }

    /** Refuses a file whose columns (CSV header or declared) lack one the mapping reads, naming it. */
    private static void requireMappedColumns(Attempt a, RecordReader reader, EventMapper mapper) {
        if (reader.columns().isEmpty()) return; // JSON records carry their own keys; an empty file has none
        List<String> missing = mapper.mappedColumns().stream().filter(c -> !reader.columns().contains(c)).toList();
        if (missing.isEmpty()) return;
        throw new FileFormatException(a.ref().displayName() + ": " + (missing.size() == 1 ? "column '" + missing.get(0)
                + "' is" : "columns " + missing.stream().map(c -> "'" + c + "'").toList() + " are")
                + " mapped by feed '" + a.feed().name() + "' but not in the file's header " + reader.columns());
    }

    /**
     * Reads and maps records up to the batch size or the batch bytes (each per lane), the deadline or
     * the end of the file, and deals them to the lanes (runs on the read-ahead thread).
     */
    private static FileBatch assemble(RecordReader reader, EventMapper mapper, RecordContext ctx, Attempt a,
                                      ControlRecords controls) throws IOException {
        int laneCount = a.claim().lanes();
        FileBatch batch = new FileBatch(laneCount);
        long size = (long) a.feed().batchSize() * laneCount;
        long byteCap = (long) a.feed().batchBytes() * laneCount;
        long bytes = 0;
        ReadItem item;
        while ((item = reader.next()) != null) {
            // the committing side gave up (it failed or stopped): stop reading now, not at the batch's end
            if (Thread.currentThread().isInterrupted()) throw new InterruptedIOException("read-ahead closed");
            if (controls.skips(item.position().recordNumber())) continue; // a header or trailer: checked, never an event
            deal(Mapped.of(item, mapper, ctx), item.position().recordNumber(), batch, a);
            batch.read++;
            bytes += textLength(item);
            boolean late = a.deadline().passed();
            if (batch.read >= size || bytes >= byteCap || late) {
                batch.next = reader.checkpoint();
                batch.end = late ? FileBatch.End.DEADLINE : FileBatch.End.FULL;
                return batch;
            }
        }
        batch.next = reader.checkpoint();
        batch.end = FileBatch.End.END_OF_FILE;
        return batch;
    }

    /** The length of an item's text (characters, a fair measure of what the batch holds of it). */
    private static long textLength(ReadItem item) {
        String text = item instanceof RawRecord r ? r.rawText() : item instanceof MalformedRecord m ? m.rawText() : null;
        return text == null ? 0 : text.length();
    }

    /**
     * Gives a record to its lane: an event to the lane of its stream, a rejection to lane 0; unless
     * that lane committed the record already (an earlier attempt of this slice got further on that
     * lane than on another).
     */
    private static void deal(Mapped m, long recordNumber, FileBatch batch, Attempt a) {
        int laneCount = batch.lanes.length;
        int lane = m.event() == null || laneCount == 1 ? 0
                : EventStore.laneOf(a.feed().table(), m.event().streamId(), laneCount);
        if (recordNumber < a.claim().lanePositions().get(lane).nextRecordNumber()) return;
        LaneBatch share = batch.lanes[lane];
        share.read++;
        if (m.rejection() != null) {
            share.rejections.add(m.rejection());
        } else {
            share.events.add(m.event());
            share.origins.add(new LaneBatch.Origin(m.raw().position(), m.raw().rawText()));
        }
    }

    /** What a read item amounts to: an event mapped from its record, or a rejection (the others null). */
    private record Mapped(EventEnvelope event, RawRecord raw, Rejection rejection) {
        static Mapped of(ReadItem item, EventMapper mapper, RecordContext ctx) {
            var pos = item.position();
            if (item instanceof MalformedRecord m) {
                return new Mapped(null, null, new Rejection(pos.recordNumber(), pos.lineNumber(), Rejection.Kind.MALFORMED,
                        null, m.reason(), m.rawText(), null));
            }
            RawRecord raw = (RawRecord) item;
            try {
                return new Mapped(mapper.map(raw, ctx), raw, null);
            } catch (RecordRejectedException e) {
                return new Mapped(null, null, new Rejection(pos.recordNumber(), pos.lineNumber(), Rejection.Kind.INVALID,
                        e.field(), e.getMessage(), raw.rawText(), null));
            } catch (RuntimeException e) {
                // a defect of the mapper, met by this record only: the record is rejected, its file goes on
                LOG.warn("record {} (line {}) of {}: unexpected failure while mapping; rejected", pos.recordNumber(),
                        pos.lineNumber(), ctx.sourceName(), e);
                return new Mapped(null, null, new Rejection(pos.recordNumber(), pos.lineNumber(), Rejection.Kind.INVALID,
                        null, "unexpected failure while mapping the record: " + e, raw.rawText(), null));
            }
        }
    }

    /**
     * Commits one lane's share of a batch through {@code db}, with the lane's position ({@code next}) and
     * counts. When PostgreSQL refuses the share's data ({@link StoreDataException}, values the mapper's
     * checks did not foresee), the share is committed again with each event appended on its own, and
     * only the events PostgreSQL refuses are rejected.
     */
    private void commit(Attempt a, TransactionRunner db, int lane, LaneBatch share, ResumePoint next) {
        try {
            commit(a, db, lane, share, next, false);
        } catch (StoreDataException e) {
            LOG.warn("file {} lane {}: the database refused a value of the batch ({}); appending its events one by one",
                    a.claim().fileId(), lane, e.getMessage());
            commit(a, db, lane, share, next, true);
        }
    }

    private void commit(Attempt a, TransactionRunner db, int lane, LaneBatch share, ResumePoint next, boolean eachAlone) {
        Counts delta = db.inTransaction(c -> {
            Map<Integer, String> refusals = Map.of();
            AppendOutcome outcome;
            if (eachAlone) {
                EventStore.IsolatedAppend isolated = store.appendEach(c, a.feed().table(), share.events, a.feed().derived());
                outcome = isolated.outcome();
                refusals = isolated.refusals();
            } else {
                outcome = store.append(c, a.feed().table(), share.events, a.feed().derived());
            }
            List<Rejection> rejections = new ArrayList<>(share.rejections);
            for (int i = 0; i < share.events.size(); i++) {
                EventOutcome o = outcome.outcomes().get(i);
                if (o != EventOutcome.CONFLICT && o != EventOutcome.REFUSED) continue;
                LaneBatch.Origin origin = share.origins.get(i);
                EventEnvelope e = share.events.get(i);
                rejections.add(o == EventOutcome.CONFLICT
                        ? new Rejection(origin.position().recordNumber(), origin.position().lineNumber(),
                                Rejection.Kind.CONFLICT, null, "event " + e.eventId()
                                + " already exists with a different payload", origin.rawText(), e.eventId())
                        : new Rejection(origin.position().recordNumber(), origin.position().lineNumber(),
                                Rejection.Kind.INVALID, null, "the database refused the event: " + refusals.get(i),
                                origin.rawText(), e.eventId()));
            }
            rejected.forFile(c, a.claim().fileId(), a.feed().name(), rejections);
            // the earliest record's (conflicts come after the other rejections in the list): the file's
            // first error must not depend on which lane commits first
            Rejection first = rejections.stream().min(Comparator.comparingLong(Rejection::recordNumber)).orElse(null);
            String firstError = first == null ? null : "line " + first.lineNumber() + ": " + first.reason();
            Counts d = new Counts(share.read, outcome.appended(), outcome.duplicates(), outcome.conflicts(),
                    share.rejections.size() + outcome.refused());
            ledger.checkpoint(c, CheckpointRequest.builder(a.claim().fileId(), a.owner(), next, d, lease)
                    .lane(lane, a.claim().lanes()).firstError(firstError, first == null ? null : first.recordNumber())
                    .build());
            return d;
        });
        LOG.debug("batch committed fileId={} lane={} read={} appended={}", a.claim().fileId(), lane, delta.read(),
                delta.appended());
    }

    /**
     * How an attempt ends: the status it records, the content hash when known, the file it
     * duplicates, its error, where the slice ends, the rejects still to store (a validation pass's)
     * and, after a validation pass, the counts it read (else null).
     */
    private record Ending(FileStatus status, String sha, Long duplicateOf, String error, ResumePoint to,
                          List<Rejection> rejections, Counts validationCounts) {
        static Ending completed(String sha, String error, ResumePoint to) {
            return new Ending(FileStatus.COMPLETED, sha, null, error, to, List.of(), null);
        }

        static Ending suspended(ResumePoint to) {
            return new Ending(FileStatus.IN_PROGRESS, null, null, null, to, List.of(), null);
        }

        static Ending rejected(String error, ResumePoint to) {
            return new Ending(FileStatus.REJECTED, null, null, error, to, List.of(), null);
        }

        static Ending rejectedByValidation(String sha, String error, ResumePoint end, List<Rejection> bad, Counts read) {
            return new Ending(FileStatus.REJECTED, sha, null, error, end, bad, read);
        }

        static Ending duplicateOf(long fileId, String sha, ResumePoint to) {
            return new Ending(FileStatus.DUPLICATE_CONTENT, sha, fileId, "same content as file " + fileId, to, List.of(), null);
        }
    }

    private FileReport finish(Attempt a, Ending end) {
        FileStatus status = end.status();
        String error = end.error();
        List<Rejection> rejections = end.rejections();
        Duration spent = since(a.started());
        SliceRecord slice = new SliceRecord(0, a.claim().resumeFrom(), end.to(), a.started());
        String[] firstError = {error};
        Counts total = a.db().inTransaction(c -> {
            rejected.forFile(c, a.claim().fileId(), a.feed().name(), rejections);
            if (end.validationCounts() != null) {
                ledger.checkpoint(c, CheckpointRequest.builder(a.claim().fileId(), a.owner(), a.claim().resumeFrom(),
                                end.validationCounts(), lease)
                        .firstError(rejections.isEmpty() ? null
                                : "line " + rejections.get(0).lineNumber() + ": " + rejections.get(0).reason(), null)
                        .build());
            }
            Counts counts = ledger.finish(c, FinishRequest.builder(a.claim().fileId(), a.owner(), status, spent, slice)
                    .sha256(end.sha()).duplicateOf(end.duplicateOf()).error(error).build());
            // a completed file with rejected records reports its first error (the earliest record's)
            firstError[0] = error != null || status != FileStatus.COMPLETED ? error : ledger.firstError(c, a.claim().fileId());
            if (status != FileStatus.IN_PROGRESS) {
                FileSummary summary = new FileSummary(a.claim().fileId(), a.feed().name(), a.ref(), status, counts,
                        firstError[0], spent.toMillis(), a.claim().correlationId());
                for (DerivedRoute r : a.feed().derived()) {
                    if (r.kind() == DerivedRoute.Kind.SUMMARY) {
                        outbox.enqueue(c, r.destination(), summary.eventId(), summary.eventType(), summary.streamId(),
                                summary.payloadJson());
                    }
                }
            }
            return counts;
        });
        if (status != FileStatus.IN_PROGRESS) {
            receipts.issue(a.feed(), a.source(), new FinishedFile(a.claim().fileId(), a.feed().name(), a.ref(), status, total,
                    firstError[0]));
        }
        FileOutcome outcome = switch (status) {
            case COMPLETED -> FileOutcome.COMPLETED;
            case REJECTED -> FileOutcome.REJECTED;
            case DUPLICATE_CONTENT -> FileOutcome.DUPLICATE_CONTENT_SKIPPED;
            default -> FileOutcome.SUSPENDED;
        };
        return new FileReport(a.claim().fileId(), a.ref(), a.feed().name(), outcome, total, spent, firstError[0],
                outcome == FileOutcome.SUSPENDED ? end.to() : null);
    }

    /**
     * Gives up the claims of every attempt of this process still running (Ctrl-C, SIGTERM): each
     * lease is released through the ledger, audited, and its checkpoint stays, so the next run
     * resumes at once. The attempts themselves can commit nothing more (their owner no longer holds
     * the row). Returns the ids of the files released.
     */
    public List<Long> releaseActive(String reason) {
        List<Long> released = new ArrayList<>();
        io.inlet.ledger.Leases leases = new io.inlet.ledger.Leases(tx);
        for (Map.Entry<String, Long> e : Map.copyOf(active).entrySet()) {
            try {
                if (leases.releaseOwn(e.getValue(), e.getKey(), reason)) released.add(e.getValue());
            } catch (RuntimeException ex) {
                LOG.warn("could not release the lease of file {}: {}", e.getValue(), ex.toString());
            }
        }
        return released;
    }

    private void releaseQuietly(Attempt a) {
        try {
            a.db().inTransaction(c -> ledger.release(c, a.claim().fileId(), a.owner()));
        } catch (RuntimeException e) {
            LOG.warn("could not release lease of file {}: {}", a.claim().fileId(), e.toString());
        }
    }

    private RecordContext context(Attempt a) {
        return new RecordContext(a.feed().name(), a.ref(), a.sourceName(), a.claim().correlationId(),
                "file-" + a.claim().fileId(), clock.instant());
    }

    private String sha256(Attempt a) throws IOException {
        DigestingOpener opener = new DigestingOpener(a);
        try (InputStream in = opener.open(0)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return opener.hex();
    }

    private Duration since(Instant started) {
        return Duration.between(started, clock.instant());
    }

    /** Opens the object, hashing the bytes of a read from offset 0 (the content hash of the file). */
    private static final class DigestingOpener implements StreamOpener {
        private final Attempt a;
        private MessageDigest digest;
        private boolean whole;

        DigestingOpener(Attempt a) {
            this.a = a;
        }

        @Override
        public InputStream open(long fromByte) throws IOException {
            InputStream in = a.source().open(a.ref(), fromByte);
            if (fromByte != 0) {
                whole = false;
                return in;
            }
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            whole = true;
            return new DigestInputStream(in, digest);
        }

        /** The hash, valid only when the only stream opened was read from 0 to the end. */
        String hex() {
            return whole && digest != null ? HexFormat.of().formatHex(digest.digest()) : null;
        }
    }

}
