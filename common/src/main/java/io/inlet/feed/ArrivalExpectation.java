package io.inlet.feed;

import java.time.Duration;
import java.time.ZoneId;

/**
 * When a feed's files are expected: one file (or more) per slot of {@code schedule}, arriving no
 * earlier than {@code early} before the slot and no later than {@code within} after it, with at
 * least {@code minRecords} records between them. Slot {@code T} owns the files that arrive in
 * {@code [T - early, next(T) - early)}, so each arrival belongs to exactly one slot.
 *
 * @param schedule   the slots, a cron expression read in {@code zone}
 * @param within     how late after its slot a file may arrive and still be on time
 * @param early      how early before its slot a file still counts for it (default 0)
 * @param minRecords the fewest records the slot's completed files must hold (0: no check)
 */
public record ArrivalExpectation(CronSchedule schedule, Duration within, Duration early, long minRecords) {

    public ArrivalExpectation {
        if (schedule == null) throw new IllegalArgumentException("an expectation needs a schedule");
        if (within == null || within.isNegative()) throw new IllegalArgumentException("within must be zero or positive");
        if (early == null) early = Duration.ZERO;
        if (early.isNegative()) throw new IllegalArgumentException("early must be zero or positive");
        if (minRecords < 0) throw new IllegalArgumentException("min_records must be zero or positive");
    }

    public ZoneId zone() {
        return schedule.zone();
    }
}
