package io.inlet.sweep;

import io.inlet.source.ListedObject;
import io.inlet.source.ObjectRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a bucket listing with the ledger rows of its keys: the missed-notification sweep.
 * Pure: no I/O, so the comparison is the same in the CLI and in the scheduled functions.
 *
 * <p>An object in the window {@code [since, until)} of last-modified time is accounted for when a
 * ledger row of the same key and version (empty when unversioned) finished and has the same etag, or
 * none recorded (a notification without an etag). Otherwise it is {@link Finding#NOT_FINISHED} when
 * such a row exists but is in progress; {@link Finding#OVERWRITTEN} when some other version of the
 * key finished; else {@link Finding#NEVER_SEEN}. A removal row accounts for nothing.
 */
public final class Sweep {

    private Sweep() {
    }

    public record Window(Instant since, Instant until) {
        public static final Window ALL = new Window(null, null);

        public Window {
            if (since != null && until != null && !since.isBefore(until)) {
                throw new IllegalArgumentException("since " + since + " is not before until " + until);
            }
        }

        public boolean contains(Instant t) {
            return (since == null || !t.isBefore(since)) && (until == null || t.isBefore(until));
        }
    }

    public static SweepReport compare(String bucket, String prefix, Window window, Iterable<ListedObject> listing,
                                      Iterable<LedgerEntry> ledger) {
        Map<String, List<LedgerEntry>> byKey = new HashMap<>();
        for (LedgerEntry e : ledger) byKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
        long listed = 0;
        long accounted = 0;
        List<SweepItem> missing = new ArrayList<>();
        for (ListedObject o : listing) {
            if (!window.contains(o.lastModified())) continue;
            listed++;
            SweepItem item = classify(o, byKey.getOrDefault(o.ref().key(), List.of()));
            if (item == null) accounted++;
            else missing.add(item);
        }
        missing.sort(Comparator.comparing((SweepItem i) -> i.object().ref().key())
                .thenComparing(i -> nz(i.object().ref().version())));
        return new SweepReport(bucket, prefix, window.since(), window.until(), listed, accounted, missing);
    }

    /** The finding for one object, or null when a finished row of its version accounts for it. */
    static SweepItem classify(ListedObject o, List<LedgerEntry> rows) {
        ObjectRef ref = o.ref();
        LedgerEntry unfinished = null;
        LedgerEntry olderFinished = null;
        for (LedgerEntry e : rows) {
            boolean same = e.version().equals(nz(ref.version())) && (e.etag().isEmpty() || e.etag().equals(nz(ref.etag())));
            if (same && e.state() == LedgerEntry.State.FINISHED) return null;
            if (same && e.state() == LedgerEntry.State.UNFINISHED) {
                if (unfinished == null || e.fileId() > unfinished.fileId()) unfinished = e;
            } else if (!same && e.state() == LedgerEntry.State.FINISHED) {
                if (olderFinished == null || e.fileId() > olderFinished.fileId()) olderFinished = e;
            }
        }
        if (unfinished != null) return new SweepItem(Finding.NOT_FINISHED, o, unfinished.fileId());
        if (olderFinished != null) return new SweepItem(Finding.OVERWRITTEN, o, olderFinished.fileId());
        return new SweepItem(Finding.NEVER_SEEN, o, null);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
