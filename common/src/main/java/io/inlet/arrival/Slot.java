package io.inlet.arrival;

import io.inlet.feed.ArrivalExpectation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One expected slot of a feed: its cron time, the window of arrivals it owns
 * ({@code [at - early, next - early)}) and its deadline ({@code at + within}).
 */
public record Slot(Instant at, Instant windowStart, Instant windowEnd, Instant deadline) {

    /** The slot at {@code at} of {@code expect}. */
    public static Slot of(ArrivalExpectation expect, Instant at) {
        Instant next = expect.schedule().next(at).orElse(Instant.MAX.minusSeconds(86_400L * 366 * 10));
        return new Slot(at, at.minus(expect.early()), next.minus(expect.early()), at.plus(expect.within()));
    }

    /** The slots whose deadline lies in {@code (after, upTo]}, oldest first, at most {@code max}. */
    public static List<Slot> judgedBetween(ArrivalExpectation expect, Instant after, Instant upTo, int max) {
        List<Slot> out = new ArrayList<>();
        Instant from = after.minus(expect.within());
        for (var t = expect.schedule().next(from); t.isPresent() && out.size() < max; t = expect.schedule().next(t.get())) {
            Slot s = of(expect, t.get());
            if (s.deadline().isAfter(upTo)) break;
            if (s.deadline().isAfter(after)) out.add(s);
        }
        return out;
    }

    /** Whether {@code at} falls in this slot's window. */
    public boolean owns(Instant at) {
        return !at.isBefore(windowStart) && at.isBefore(windowEnd);
    }

    /**
     * The alerts due for this slot at {@code now} (the deadline passed), given every arrival the
     * ledger holds and the records the slot must have (0: no check). Pure: running it again with
     * the same input gives the same set, which the caller emits only where not emitted before.
     */
    public Set<AlertKind> due(List<Arrival> arrivals, Instant now, long minRecords) {
        Set<AlertKind> out = EnumSet.noneOf(AlertKind.class);
        if (now.isBefore(deadline)) return out;
        List<Arrival> mine = arrivals.stream().filter(a -> owns(a.at()) && !a.at().isAfter(now)).toList();
        if (mine.isEmpty()) {
            out.add(AlertKind.FileMissing);
            return out;
        }
        Instant first = mine.stream().map(Arrival::at).min(Instant::compareTo).orElseThrow();
        if (first.isAfter(deadline)) out.add(AlertKind.FileLate);
        boolean settled = mine.stream().allMatch(Arrival::finished);
        long records = mine.stream().mapToLong(Arrival::records).sum();
        if (minRecords > 0 && settled && records < minRecords) out.add(AlertKind.FileShort);
        return out;
    }
}
