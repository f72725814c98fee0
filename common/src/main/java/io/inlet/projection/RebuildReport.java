package io.inlet.projection;

import java.time.Duration;

/**
 * What a rebuild did: events folded from history, events caught up (appended while it ran, applied
 * under the swap's lock or just before), rows in the new table.
 */
public record RebuildReport(String name, String table, long events, long caughtUp, long rows, Duration took) {
}
