package io.inlet.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The cron subset: parsed strictly, and its next slot equal to a minute-by-minute search. */
class CronScheduleTest {

    @Test
    void nextEqualsAMinuteByMinuteSearchForRandomExpressionsAndZones() {
        Random r = new Random(17);
        String[] zones = {"UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"};
        String[] minutes = {"*", "0", "15", "*/20", "5-10", "0,30", "10-50/15"};
        String[] hours = {"*", "2", "1-3", "*/6", "0,12", "23"};
        String[] doms = {"*", "1", "15", "28-31", "*/10"};
        String[] months = {"*", "3", "MAR-APR", "10,11"};
        String[] dows = {"*", "0", "MON-FRI", "7", "SAT,SUN"};
        for (int i = 0; i < 25; i++) {
            String expr = String.join(" ", pick(r, minutes), pick(r, hours), pick(r, doms), pick(r, months), pick(r, dows));
            ZoneId zone = ZoneId.of(pick(r, zones));
            CronSchedule s = CronSchedule.parse(expr, zone);
            Instant after = Instant.parse("2026-03-20T00:00:00Z").plusSeconds(r.nextInt(86_400 * 30));
            assertThat(s.next(after)).as("%s in %s after %s", expr, zone, after).contains(bruteForce(expr, zone, after));
        }
    }

    @Test
    void aSlotInTheSpringGapFiresShiftedAndOneInTheAutumnOverlapFiresOnce() {
        CronSchedule s = CronSchedule.parse("30 2 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(s.next(Instant.parse("2026-03-28T12:00:00Z"))).contains(Instant.parse("2026-03-29T01:30:00Z"));
        Instant autumn = s.next(Instant.parse("2026-10-24T12:00:00Z")).orElseThrow();
        assertThat(autumn).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
        assertThat(s.next(autumn)).contains(Instant.parse("2026-10-26T01:30:00Z"));
    }

    @Test
    void malformedExpressionsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> CronSchedule.parse("0 6 * *", ZoneOffset.UTC)).hasMessageContaining("has 4 fields");
        assertThatThrownBy(() -> CronSchedule.parse("60 6 * * *", ZoneOffset.UTC)).hasMessageContaining("minute field '60'");
        assertThatThrownBy(() -> CronSchedule.parse("0 6 ? * MON", ZoneOffset.UTC)).hasMessageContaining("day-of-month field '?'");
        assertThatThrownBy(() -> CronSchedule.parse("0 6 L * *", ZoneOffset.UTC)).hasMessageContaining("day-of-month");
        assertThatThrownBy(() -> CronSchedule.parse("0 9-5 * * *", ZoneOffset.UTC)).hasMessageContaining("runs backwards");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 30 2 *", ZoneOffset.UTC)).hasMessageContaining("never fires");
        assertThatThrownBy(() -> CronSchedule.parse("@daily", ZoneOffset.UTC)).hasMessageContaining("fields");
    }

    private static Instant bruteForce(String expr, ZoneId zone, Instant after) {
        CronSchedule s = CronSchedule.parse(expr, zone);
        // every instant of every minute, in UTC minutes, whose local time matches; a gap's local times map forward
        Instant best = null;
        ZonedDateTime local = ZonedDateTime.ofInstant(after, zone).withSecond(0).withNano(0).minusHours(3).toLocalDateTime()
                .atZone(zone);
        for (int i = 0; i < 60 * 24 * 400 && (best == null || local.toLocalDateTime().isBefore(
                best.atZone(zone).toLocalDateTime().plusHours(5))); i++) {
            var ldt = local.toLocalDateTime().plusMinutes(i);
            if (matches(expr, ldt)) {
                Instant at = ZonedDateTime.ofLocal(ldt, zone, null).toInstant();
                if (at.isAfter(after) && (best == null || at.isBefore(best))) best = at;
            }
        }
        assertThat(s).isNotNull();
        return best;
    }

    /** A second reading of the fields, by strings, for the brute force. */
    private static boolean matches(String expr, java.time.LocalDateTime t) {
        String[] f = expr.split(" ");
        int dow = t.getDayOfWeek().getValue() % 7;
        boolean dom = in(f[2], t.getDayOfMonth(), 1, 31);
        boolean wd = in(f[4].replace("MON-FRI", "1-5").replace("SAT,SUN", "6,0").replace("7", "0"), dow, 0, 6);
        boolean day = !f[2].equals("*") && !f[4].equals("*") ? dom || wd : dom && wd;
        return in(f[0], t.getMinute(), 0, 59) && in(f[1], t.getHour(), 0, 23)
                && in(f[3].replace("MAR-APR", "3-4"), t.getMonthValue(), 1, 12) && day;
    }

    private static boolean in(String field, int v, int min, int max) {
        for (String item : field.split(",")) {
            int step = 1;
            String range = item;
            if (item.contains("/")) {
                step = Integer.parseInt(item.substring(item.indexOf('/') + 1));
                range = item.substring(0, item.indexOf('/'));
            }
            int lo = min;
            int hi = max;
            if (!range.equals("*")) {
                String[] b = range.split("-");
                lo = Integer.parseInt(b[0]);
                hi = b.length > 1 ? Integer.parseInt(b[1]) : lo;
            }
            if (v >= lo && v <= hi && (v - lo) % step == 0) return true;
        }
        return false;
    }

    private static String pick(Random r, String[] options) {
        return options[r.nextInt(options.length)];
    }

}
