package io.inlet.read;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Where a new subscription starts: {@code --from beginning | POSITION | TIME | TX:POSITION}. */
public sealed interface SubscriptionStart {

    /** Every event in the log. */
    record Beginning() implements SubscriptionStart {
        @Override
        public String describe() {
            return "beginning";
        }
    }

    /** Events whose position is at least {@code position}. */
    record AtPosition(long position) implements SubscriptionStart {
        @Override
        public String describe() {
            return "position " + position;
        }
    }

    /** Events recorded at or after {@code time}. */
    record AtTime(Instant time) implements SubscriptionStart {
        @Override
        public String describe() {
            return "time " + time;
        }
    }

    /** Events after a checkpoint an {@code inlet read} printed. */
    record After(Checkpoint checkpoint) implements SubscriptionStart {
        @Override
        public String describe() {
            return "after " + checkpoint;
        }
    }

    String describe();

    /**
     * Parses {@code beginning}, a position (whole number), a checkpoint {@code TX:POSITION}, an ISO
     * instant ({@code 2026-11-20T06:00:00Z}), a date-time with offset, or a date (midnight UTC).
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    static SubscriptionStart parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.equalsIgnoreCase("beginning")) return new Beginning();
        if (t.matches("\\d{1,18}")) return new AtPosition(Long.parseLong(t));
        if (t.matches("\\d{1,19}:\\d{1,19}")) return new After(Checkpoint.parse(t));
        try {
            return new AtTime(Instant.parse(t));
        } catch (DateTimeParseException notInstant) {
            try {
                return new AtTime(OffsetDateTime.parse(t).toInstant());
            } catch (DateTimeParseException notOffset) {
                try {
                    return new AtTime(LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant());
                } catch (DateTimeParseException notDate) {
                    throw new IllegalArgumentException("'" + text + "' is not a start: give beginning, a position (e.g. 4711), "
                            + "a time (2026-11-20T06:00:00Z or 2026-11-20) or a checkpoint TX:POSITION");
                }
            }
        }
    }
}
