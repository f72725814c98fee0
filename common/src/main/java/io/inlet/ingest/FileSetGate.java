package io.inlet.ingest;

import io.inlet.event.DerivedRoute;
import io.inlet.feed.Feed;
import io.inlet.feed.FileSetSpec;
import io.inlet.ledger.Counts;
import io.inlet.ledger.FileLedger;
import io.inlet.ledger.FileSetStatus;
import io.inlet.ledger.FileSets;
import io.inlet.ledger.FileStatus;
import io.inlet.outbox.OutboxStore;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSequencer;
import io.inlet.source.ObjectSource;
import io.inlet.store.TransactionRunner;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate of a feed's file sets: an arriving member is held in the ledger and joins the open set
 * of its prefix; an arriving marker or manifest marks that set; whenever a marked set holds every
 * member its gate names, the set loads, in ONE database transaction (each member through the usual
 * file path, its units of work as savepoints): all its events, rejects, ledger rows and summaries
 * commit together, or none do. Refused as a whole (bounds, a manifest mismatch, a member the usual
 * path rejects), the set is REJECTED with a reason naming the member, its held rows REJECTED with
 * it, and a {@code FileSetRejected} summary goes out.
 */
final class FileSetGate {

    private static final Logger LOG = LoggerFactory.getLogger(FileSetGate.class);

    /** Loads one held member inside the set's transaction (the usual path, no deadline, one lane). */
    interface MemberLoader {
        FileReport load(ObjectRef ref, ObjectSource source, Feed feed, TransactionRunner set);

        FileReport marker(ObjectRef ref, ObjectSource source, Feed feed, TransactionRunner set, String note);
    }

    private final FileLedger ledger;
    private final FileSets sets = new FileSets();
    private final OutboxStore outbox = new OutboxStore();
    private final MemberLoader members;
    private final java.util.function.BiPredicate<Feed, ObjectRef> dataOf;
    private final Clock clock;

    /**
     * @param dataOf whether a listed object is a data file of the feed (the feed the registry picks
     *               for it; never a receipt, a control sidecar or another feed's file)
     */
    FileSetGate(FileLedger ledger, MemberLoader members, java.util.function.BiPredicate<Feed, ObjectRef> dataOf, Clock clock) {
        this.ledger = ledger;
        this.members = members;
        this.dataOf = dataOf;
        this.clock = clock;
    }

    /** Where an arrival left its set. */
    private record Arrival(long fileId, long setId, String refusal) {
    }

    /**
     * Holds {@code ref} in its set (marking the set when it is the gate), then loads the set if it is
     * complete. Null when the ledger has the version in a state other than HELD (a member of a set
     * that loaded already, say): the caller handles it as usual.
     */
    FileReport arrive(ObjectRef ref, ObjectSource source, ObjectSequencer sequencer, Feed feed, TransactionRunner db) {
        Instant started = clock.instant();
        FileSetSpec spec = feed.fileSet();
        boolean marker = spec.isMarker(ref.key());
        String manifestJson = null;
        String refusal = null;
        if (marker && spec.gate() == FileSetSpec.Gate.MANIFEST) {
            try {
                manifestJson = Manifest.parse(readManifest(ref, source)).json();
            } catch (IllegalArgumentException e) {
                refusal = "manifest " + ref.key() + ": " + e.getMessage();
            }
        }
        PrefixListing listing = marker && spec.gate() == FileSetSpec.Gate.MARKER ? list(ref, source, feed) : null;
        if (listing != null && listing.tooMany()) {
            refusal = listing.count() + " data objects under " + ref.bucket() + "/" + FileSetSpec.prefixOf(ref.key())
                    + " when its marker arrived, more than max_members " + spec.maxMembers() + " (a set loads in one transaction)";
        }
        String manifest = manifestJson;
        String refused = refusal;
        Arrival arrival = db.inTransaction(c -> {
            ledger.hold(c, ref, feed.name(), sequencer);
            FileLedger.Row row = ledger.row(c, ref).orElseThrow();
            if (row.status() != FileStatus.HELD) return null;
            var known = sets.setOf(c, row.fileId());
            if (known.isPresent()) return new Arrival(row.fileId(), known.get(), null);
            FileSets.FileSet open = sets.openSet(c, feed.name(), ref.bucket(), FileSetSpec.prefixOf(ref.key()), spec.timeout());
            if (marker) {
                if (open.status() == FileSetStatus.MARKED) {
                    String why = "a second marker for " + open.bucket() + "/" + open.prefix() + " while file set "
                            + open.setId() + " (marked by file " + open.markerFileId() + ") waits for its members";
                    ledger.rejectHeld(c, row.fileId(), why);
                    return new Arrival(row.fileId(), open.setId(), why);
                }
                sets.mark(c, open.setId(), row.fileId(), manifest, null);
                if (listing != null && refused == null) claimListed(c, listing, open.setId(), feed);
                if (refused != null) reject(c, sets.lock(c, open.setId()), feed, refused);
            } else {
                sets.join(c, open.setId(), row.fileId(), ref.key());
                if (spec.gate() == FileSetSpec.Gate.COUNT && open.status() == FileSetStatus.WAITING
                        && sets.memberCount(c, open.setId()) >= spec.count()) {
                    sets.mark(c, open.setId(), null, null, spec.count());
                }
            }
            return new Arrival(row.fileId(), open.setId(), null);
        });
        if (arrival == null) return null;
        if (arrival.refusal() != null) {
            return new FileReport(arrival.fileId(), ref, feed.name(), FileOutcome.REJECTED, Counts.ZERO, since(started),
                    arrival.refusal(), null);
        }
        return tryLoad(arrival, ref, source, feed, db, started);
    }

    /**
     * The data objects of the feed directly under the marker's prefix, as the store lists them now
     * (at most {@code max_members}; {@code count} is how many there were).
     */
    private record PrefixListing(List<ObjectRef> members, int count, boolean tooMany) {
    }

    /**
     * Lists the marker's prefix: the set a marker closes is the objects present under it when the
     * marker's notification is handled, whether or not their own notifications came yet (S3 and GCS
     * deliver them in any order). The marker itself, objects in deeper prefixes, and objects that are
     * not this feed's data (receipts, control sidecars, other feeds' files) are not members.
     */
    private PrefixListing list(ObjectRef marker, ObjectSource source, Feed feed) {
        String prefix = FileSetSpec.prefixOf(marker.key());
        io.inlet.source.ObjectLister lister = source.lister().orElseThrow(() -> new IllegalStateException(
                "file set of feed " + feed.name() + ": the object source cannot list " + marker.bucket() + "/" + prefix
                        + ", so the members of marker " + marker.key() + " cannot be known"));
        List<ObjectRef> found = new ArrayList<>();
        int[] count = {0};
        int max = feed.fileSet().maxMembers();
        try {
            lister.list(marker.bucket(), prefix, o -> {
                ObjectRef r = o.ref();
                if (!FileSetSpec.prefixOf(r.key()).equals(prefix) || feed.fileSet().isMarker(r.key()) || !dataOf.test(feed, r)) return;
                if (++count[0] <= max) found.add(r);
            });
        } catch (IOException e) {
            throw new io.inlet.failure.RetryableException("listing " + marker.bucket() + "/" + prefix + " for marker "
                    + marker.key() + " failed: " + e.getMessage(), e);
        }
        return new PrefixListing(found, count[0], count[0] > max);
    }

    /**
     * Holds every listed object version in the marked set, as its own notification would (its own
     * ledger row: bucket, key, version, tag); one the ledger already has in another state (loaded with
     * an earlier set, rejected) is not a member. Its notification, later, finds the row loaded.
     */
    private void claimListed(Connection c, PrefixListing listing, long setId, Feed feed) throws SQLException {
        for (ObjectRef r : listing.members()) {
            ledger.hold(c, r, feed.name(), null);
            FileLedger.Row row = ledger.row(c, r).orElseThrow();
            if (row.status() != FileStatus.HELD) continue;
            var known = sets.setOf(c, row.fileId());
            if (known.isPresent() && known.get() != setId) continue;
            sets.join(c, setId, row.fileId(), r.key());
        }
    }

    /** The outcome of the set's transaction for the arriving object. */
    private record Decision(FileOutcome outcome, String note, Counts counts) {
    }

    private FileReport tryLoad(Arrival arrival, ObjectRef ref, ObjectSource source, Feed feed, TransactionRunner db,
                               Instant started) {
        Decision d = db.inTransaction(c -> decide(c, arrival, ref, source, feed));
        LOG.atInfo().setMessage("file set {} of feed {}: {} ({})").addArgument(arrival.setId()).addArgument(feed.name())
                .addArgument(d.outcome()).addArgument(d.note()).addKeyValue("setId", arrival.setId())
                .addKeyValue("feed", feed.name()).log();
        return new FileReport(arrival.fileId(), ref, feed.name(), d.outcome(), d.counts(), since(started), d.note(), null);
    }

    private Decision decide(Connection c, Arrival arrival, ObjectRef ref, ObjectSource source, Feed feed) throws SQLException {
        FileSetSpec spec = feed.fileSet();
        FileSets.FileSet set = sets.lock(c, arrival.setId());
        String name = "file set " + set.setId() + " (" + set.bucket() + "/" + set.prefix() + ")";
        if (set.status() == FileSetStatus.LOADED) return new Decision(FileOutcome.ALREADY_COMPLETED, name + " loaded", Counts.ZERO);
        if (set.status() == FileSetStatus.REJECTED) return new Decision(FileOutcome.REJECTED, set.reason(), Counts.ZERO);
        List<FileSets.Member> all = sets.members(c, set.setId());
        Map<String, FileSets.Member> newest = new LinkedHashMap<>();
        for (FileSets.Member m : all) newest.put(m.ref().key(), m); // oldest first: a later version of a key wins
        if (set.status() == FileSetStatus.WAITING) {
            return new Decision(FileOutcome.HELD, "held in " + name + ": " + newest.size() + " member(s), waiting for "
                    + gateName(spec), Counts.ZERO);
        }
        Manifest manifest = set.manifest() == null ? null : Manifest.parse(set.manifest());
        String missing = missing(spec, set, manifest, newest);
        if (missing != null) return new Decision(FileOutcome.HELD, "held in " + name + ": " + missing, Counts.ZERO);
        String refusal = refusal(spec, manifest, newest, source);
        if (refusal != null) return rejected(c, set, feed, name, refusal);
        java.sql.Savepoint before = c.setSavepoint("inlet_set_load");
        SetTransaction inSet = new SetTransaction(c);
        Counts total = Counts.ZERO;
        for (FileSets.Member m : all) {
            if (newest.get(m.ref().key()) != m) {
                ledger.rejectHeld(c, m.fileId(), "superseded in " + name + " by a later version of " + m.ref().key()
                        + " (file " + newest.get(m.ref().key()).fileId() + ")");
            }
        }
        for (FileSets.Member m : newest.values()) {
            FileReport r = members.load(m.ref(), source, feed, inSet);
            if (r.outcome() == FileOutcome.REJECTED) {
                c.rollback(before);
                return rejected(c, set, feed, name, "member " + m.ref().key() + " rejected: " + r.firstError());
            }
            if (r.outcome() != FileOutcome.COMPLETED && r.outcome() != FileOutcome.DUPLICATE_CONTENT_SKIPPED) {
                throw new IllegalStateException(name + ": member " + m.ref().key() + " ended " + r.outcome() + " inside the set's load");
            }
            Counts k = r.counts();
            total = new Counts(total.read() + k.read(), total.appended() + k.appended(), total.duplicate() + k.duplicate(),
                    total.conflict() + k.conflict(), total.rejected() + k.rejected());
        }
        String note = name + " loaded: " + newest.size() + " member(s), " + total.appended() + " event(s)";
        if (set.markerFileId() != null) {
            io.inlet.ledger.LedgerEntry markerRow = io.inlet.ledger.LedgerEntry.byId(c, set.markerFileId()).orElseThrow();
            members.marker(markerRow.ref(), source, feed, inSet, "marker of " + note);
        }
        sets.finish(c, set.setId(), FileSetStatus.LOADED, null);
        return new Decision(FileOutcome.COMPLETED, note, total);
    }

    private static String gateName(FileSetSpec spec) {
        return switch (spec.gate()) {
            case MARKER -> "marker " + spec.marker();
            case MANIFEST -> "manifest " + spec.marker();
            case COUNT -> spec.count() + " members";
        };
    }

    /** What the marked set still lacks, or null when it holds every member its gate names. */
    private static String missing(FileSetSpec spec, FileSets.FileSet set, Manifest manifest, Map<String, FileSets.Member> newest) {
        if (spec.gate() == FileSetSpec.Gate.COUNT) {
            return newest.size() >= set.expectedCount() ? null
                    : newest.size() + " of " + set.expectedCount() + " members";
        }
        if (manifest == null) return null;
        List<String> absent = manifest.names().stream().filter(n -> !newest.containsKey(set.prefix() + n)).toList();
        return absent.isEmpty() ? null : "waiting for " + absent.size() + " of " + manifest.members().size()
                + " listed member(s): " + String.join(", ", absent.subList(0, Math.min(5, absent.size())))
                + (absent.size() > 5 ? ", ..." : "");
    }

    /** Why the complete set cannot load (bounds, a member not listed, a size or checksum that differs), or null. */
    private static String refusal(FileSetSpec spec, Manifest manifest, Map<String, FileSets.Member> newest, ObjectSource source) {
        if (newest.size() > spec.maxMembers()) {
            return newest.size() + " members, more than max_members " + spec.maxMembers() + " (a set loads in one transaction)";
        }
        long bytes = 0;
        for (FileSets.Member m : newest.values()) bytes += m.ref().size() == null ? 0 : m.ref().size();
        if (bytes > spec.maxBytes()) {
            return bytes + " bytes of members, more than max_bytes " + spec.maxBytes() + " (a set loads in one transaction)";
        }
        if (manifest == null) return null;
        for (FileSets.Member m : newest.values()) {
            String member = m.ref().key().substring(m.ref().key().lastIndexOf('/') + 1);
            Manifest.Entry e = manifest.members().get(member);
            if (e == null) return "member " + m.ref().key() + " is not listed in the manifest";
            String mismatch = mismatch(e, m.ref(), source);
            if (mismatch != null) return "member " + m.ref().key() + ": " + mismatch;
        }
        return null;
    }

    private static String mismatch(Manifest.Entry e, ObjectRef ref, ObjectSource source) {
        boolean read = e.sha256() != null || e.md5() != null || (e.size() != null && ref.size() == null);
        long size = ref.size() == null ? -1 : ref.size();
        String sha = null;
        String md5 = null;
        if (read) {
            try (InputStream in = source.open(ref, 0)) {
                java.security.MessageDigest s256 = java.security.MessageDigest.getInstance("SHA-256");
                java.security.MessageDigest m5 = java.security.MessageDigest.getInstance("MD5");
                byte[] buf = new byte[65536];
                long n = 0;
                for (int k; (k = in.read(buf)) > 0; n += k) {
                    s256.update(buf, 0, k);
                    m5.update(buf, 0, k);
                }
                size = n;
                sha = Manifest.hex(s256.digest());
                md5 = Manifest.hex(m5.digest());
            } catch (IOException ex) {
                throw new io.inlet.failure.RetryableException("reading file set member " + ref.displayName() + " failed: "
                        + ex.getMessage(), ex);
            } catch (java.security.NoSuchAlgorithmException ex) {
                throw new IllegalStateException(ex);
            }
        }
        if (e.size() != null && e.size() != size) return "size " + size + " bytes, the manifest says " + e.size();
        if (e.sha256() != null && !e.sha256().equals(sha)) return "sha256 " + sha + ", the manifest says " + e.sha256();
        if (e.md5() != null && !e.md5().equals(md5)) return "md5 " + md5 + ", the manifest says " + e.md5();
        return null;
    }

    private Decision rejected(Connection c, FileSets.FileSet set, Feed feed, String name, String reason) throws SQLException {
        reject(c, set, feed, reason);
        return new Decision(FileOutcome.REJECTED, name + " rejected: " + reason, Counts.ZERO);
    }

    /** Records the set and its held rows REJECTED with {@code reason}, and enqueues its FileSetRejected summary. */
    private void reject(Connection c, FileSets.FileSet set, Feed feed, String reason) throws SQLException {
        String why = "file set " + set.setId() + " (" + set.bucket() + "/" + set.prefix() + ") rejected: " + reason;
        List<String> keys = new ArrayList<>();
        for (FileSets.Member m : sets.members(c, set.setId())) {
            ledger.rejectHeld(c, m.fileId(), why);
            keys.add(m.ref().key());
        }
        if (set.markerFileId() != null) ledger.rejectHeld(c, set.markerFileId(), why);
        sets.finish(c, set.setId(), FileSetStatus.REJECTED, reason);
        FileSetEvent event = FileSetEvent.rejected(set, keys, reason);
        for (DerivedRoute r : feed.derived()) {
            if (r.kind() == DerivedRoute.Kind.SUMMARY) {
                outbox.enqueue(c, r.destination(), event.eventId(), event.eventType(), event.streamId(), event.payloadJson());
            }
        }
    }

    private static String readManifest(ObjectRef ref, ObjectSource source) {
        try (InputStream in = source.open(ref, 0)) {
            byte[] bytes = in.readNBytes(Manifest.MAX_BYTES + 1);
            if (bytes.length > Manifest.MAX_BYTES) throw new IllegalArgumentException("longer than " + Manifest.MAX_BYTES + " bytes");
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        } catch (io.inlet.source.ObjectGoneException e) {
            throw new IllegalArgumentException("gone: " + e.getMessage());
        } catch (IOException e) {
            throw new io.inlet.failure.RetryableException("reading manifest " + ref.displayName() + " failed: " + e.getMessage(), e);
        }
    }

    private Duration since(Instant started) {
        return Duration.between(started, clock.instant());
    }
}
