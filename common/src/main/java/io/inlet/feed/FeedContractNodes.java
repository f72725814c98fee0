package io.inlet.feed;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a file feed's {@code set:} and {@code expect:} nodes, each error naming the field. */
final class FeedContractNodes {

    private static final Set<String> SET_KEYS = Set.of("marker", "manifest", "count", "timeout", "max_members", "max_bytes");
    private static final Set<String> EXPECT_KEYS = Set.of("schedule", "zone", "within", "early", "min_records");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,6})([smhd])");
    /** A marker or manifest is an object name within the prefix: no slash, not a glob. */
    private static final Pattern OBJECT_NAME = Pattern.compile("[^/*?\\[\\]{}]{1,255}");

    private FeedContractNodes() {
    }

    /** The feed's file sets, or null when it has none. */
    static FileSetSpec fileSet(ConfigNode node) {
        if (node.isAbsent()) return null;
        node.requireKeys(SET_KEYS);
        int gates = (node.has("marker") ? 1 : 0) + (node.has("manifest") ? 1 : 0) + (node.has("count") ? 1 : 0);
        if (gates != 1) throw node.error("give exactly one gate: marker (e.g. _SUCCESS), manifest (a JSON object name) or count");
        FileSetSpec.Gate gate = node.has("marker") ? FileSetSpec.Gate.MARKER
                : node.has("manifest") ? FileSetSpec.Gate.MANIFEST : FileSetSpec.Gate.COUNT;
        String marker = null;
        int count = 0;
        if (gate == FileSetSpec.Gate.COUNT) {
            count = (int) node.get("count").integer(0, 1, 100_000);
        } else {
            ConfigNode name = node.get(gate == FileSetSpec.Gate.MARKER ? "marker" : "manifest");
            marker = name.text();
            if (!OBJECT_NAME.matcher(marker).matches()) {
                throw name.error("'" + marker + "' must be an object name within the set's prefix (no '/', no glob)");
            }
        }
        Duration timeout = duration(node.get("timeout"), FileSetSpec.DEFAULT_TIMEOUT);
        if (timeout.isZero()) throw node.get("timeout").error("must be longer than zero");
        int maxMembers = (int) node.get("max_members").integer(FileSetSpec.DEFAULT_MAX_MEMBERS, 1, 100_000);
        long maxBytes = node.get("max_bytes").integer(FileSetSpec.DEFAULT_MAX_BYTES, 1, 16L << 30);
        if (gate == FileSetSpec.Gate.COUNT && count > maxMembers) {
            throw node.get("count").error(count + " members is more than max_members " + maxMembers);
        }
        return new FileSetSpec(gate, marker, count, timeout, maxMembers, maxBytes);
    }

    /** The feed's arrival expectation, or null when it has none. */
    static ArrivalExpectation expectation(ConfigNode node) {
        if (node.isAbsent()) return null;
        node.requireKeys(EXPECT_KEYS);
        ZoneId zone = zone(node.get("zone"));
        ConfigNode scheduleNode = node.get("schedule");
        CronSchedule schedule;
        try {
            schedule = CronSchedule.parse(scheduleNode.text(), zone);
        } catch (IllegalArgumentException e) {
            throw scheduleNode.error(e.getMessage());
        }
        ConfigNode withinNode = node.get("within");
        if (withinNode.isAbsent()) throw withinNode.error("is required (how late after a slot a file may arrive, e.g. PT2H or 2h)");
        Duration within = duration(withinNode, null);
        Duration early = duration(node.get("early"), Duration.ZERO);
        long minRecords = node.get("min_records").integer(0, 0, Long.MAX_VALUE);
        return new ArrivalExpectation(schedule, within, early, minRecords);
    }

    private static ZoneId zone(ConfigNode node) {
        if (node.isAbsent()) return ZoneOffset.UTC;
        String zone = node.text();
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw node.error("unknown time zone '" + zone + "' (" + e.getMessage() + ")");
        }
    }

    /** An ISO-8601 duration ({@code PT2H}) or a short one ({@code 90m}, {@code 2h}, {@code 1d}); never negative. */
    static Duration duration(ConfigNode node, Duration fallback) {
        if (node.isAbsent()) return fallback;
        String text = node.text().trim();
        Matcher m = SHORT_DURATION.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            Duration d = Duration.parse(text);
            if (d.isNegative()) throw node.error("must not be negative, found '" + text + "'");
            return d;
        } catch (DateTimeParseException e) {
            throw node.error("'" + text + "' is not a duration (e.g. PT2H, 90m, 2h, 1d)");
        }
    }
}
