package io.inlet.feed;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A five-field cron expression ({@code minute hour day-of-month month day-of-week}) read in an
 * explicit time zone: the documented subset of Vixie cron that feeds use. Each field is {@code *},
 * a number, a range {@code a-b}, a step {@code * /n} or {@code a-b/n}, or a comma list of those;
 * months may be {@code JAN}..{@code DEC} and days of the week {@code SUN}..{@code SAT} (0 and 7 are
 * Sunday). As in cron, when both day fields are restricted a day matching either is a slot. Nothing
 * else ({@code ?}, {@code L}, {@code W}, {@code #}, six fields, {@code @daily}) is accepted: an
 * expression is either understood exactly or refused naming the field.
 *
 * <p>Daylight saving: slots are local times. A slot inside a gap (02:30 on the night clocks go
 * forward) fires at the instant that local time maps to (03:30, shifted by the gap); a slot inside a
 * repeated hour fires once, at its first occurrence.
 */
public final class CronSchedule {

    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
            "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    /** How far ahead a slot is looked for: an expression with none in this time never fires. */
    private static final int HORIZON_DAYS = 366 * 8 + 1;

    private final String expression;
    private final ZoneId zone;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean domRestricted;
    private final boolean dowRestricted;

    private CronSchedule(String expression, ZoneId zone, BitSet[] fields, boolean domRestricted, boolean dowRestricted) {
        this.expression = expression;
        this.zone = zone;
        this.minutes = fields[0];
        this.hours = fields[1];
        this.daysOfMonth = fields[2];
        this.months = fields[3];
        this.daysOfWeek = fields[4];
        this.domRestricted = domRestricted;
        this.dowRestricted = dowRestricted;
    }

    /**
     * Parses {@code expression} for {@code zone}; {@link IllegalArgumentException} names the field and
     * what is wrong with it, or says that the expression never fires.
     */
    public static CronSchedule parse(String expression, ZoneId zone) {
        if (expression == null || expression.isBlank()) throw new IllegalArgumentException("empty cron expression");
        if (zone == null) throw new IllegalArgumentException("a cron schedule needs a time zone");
        String[] parts = expression.trim().split("\\s+");
        if (parts.length != 5) {
            throw new IllegalArgumentException("cron expression '" + expression + "' has " + parts.length
                    + " fields; expected 5 (minute hour day-of-month month day-of-week)");
        }
        BitSet[] fields = {
                field(parts[0], "minute", 0, 59, null),
                field(parts[1], "hour", 0, 23, null),
                field(parts[2], "day-of-month", 1, 31, null),
                field(parts[3], "month", 1, 12, MONTHS),
                field(parts[4], "day-of-week", 0, 7, DAYS)};
        if (fields[4].get(7)) fields[4].set(0);
        CronSchedule s = new CronSchedule(expression.trim(), zone, fields, !parts[2].equals("*"), !parts[4].equals("*"));
        if (s.next(Instant.EPOCH.plusSeconds(86_400L * 365 * 56)).isEmpty()) {
            throw new IllegalArgumentException("cron expression '" + expression + "' never fires");
        }
        return s;
    }

    private static BitSet field(String text, String name, int min, int max, List<String> names) {
        BitSet out = new BitSet(max + 1);
        for (String item : text.split(",", -1)) {
            String range = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                step = number(item.substring(slash + 1), name, item, 1, max - min + 1, null, 0);
            }
            int lo;
            int hi;
            if (range.equals("*")) {
                lo = min;
                hi = name.equals("day-of-week") ? 6 : max;
            } else {
                int dash = range.indexOf('-');
                if (dash > 0) {
                    lo = number(range.substring(0, dash), name, item, min, max, names, min);
                    hi = number(range.substring(dash + 1), name, item, min, max, names, min);
                    if (lo > hi) throw new IllegalArgumentException(name + " field '" + item + "': range runs backwards");
                } else {
                    if (slash >= 0) throw new IllegalArgumentException(name + " field '" + item
                            + "': a step needs * or a range before it");
                    lo = hi = number(range, name, item, min, max, names, min);
                }
            }
            for (int v = lo; v <= hi; v += step) out.set(v);
        }
        return out;
    }

    private static int number(String text, String name, String item, int min, int max, List<String> names, int base) {
        if (names != null) {
            int i = names.indexOf(text.toUpperCase(Locale.ROOT));
            if (i >= 0) return i + base;
        }
        if (text.isEmpty() || !text.chars().allMatch(ch -> ch >= '0' && ch <= '9') || text.length() > 4) {
            throw new IllegalArgumentException(name + " field '" + item + "': '" + text + "' is not a number"
                    + (names == null ? "" : " or a name (" + String.join(", ", names) + ")"));
        }
        int v = Integer.parseInt(text);
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " field '" + item + "': " + v + " is outside " + min + "-" + max);
        }
        return v;
    }

    public ZoneId zone() {
        return zone;
    }

    public String expression() {
        return expression;
    }

    /** The first slot strictly after {@code after}; empty when none comes within eight years. */
    public Optional<Instant> next(Instant after) {
        LocalDateTime start = LocalDateTime.ofInstant(after, zone).minusHours(3).withSecond(0).withNano(0);
        Instant best = null;
        // a gap shifts a slot by at most a few hours: local times this far past the first found cannot beat it
        LocalDateTime stop = null;
        LocalDate day = start.toLocalDate();
        for (int d = 0; d <= HORIZON_DAYS; d++, day = day.plusDays(1)) {
            if (stop != null && day.isAfter(stop.toLocalDate())) break;
            if (!dayMatches(day)) continue;
            for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
                for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
                    LocalDateTime local = LocalDateTime.of(day, LocalTime.of(h, m));
                    if (local.isBefore(start)) continue;
                    if (stop != null && local.isAfter(stop)) return Optional.of(best);
                    Instant at = ZonedDateTime.ofLocal(local, zone, null).toInstant();
                    if (at.isAfter(after) && (best == null || at.isBefore(best))) {
                        best = at;
                        if (stop == null) stop = local.plusHours(4);
                    }
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private boolean dayMatches(LocalDate day) {
        if (!months.get(day.getMonthValue())) return false;
        boolean dom = daysOfMonth.get(day.getDayOfMonth());
        boolean dow = daysOfWeek.get(day.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : day.getDayOfWeek().getValue());
        if (domRestricted && dowRestricted) return dom || dow;
        return dom && dow;
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }
}
