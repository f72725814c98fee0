package io.inlet.event;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One accepted way of writing a point in time or a date: {@code iso}, {@code epoch_millis},
 * {@code epoch_seconds}, or a java.time pattern such as {@code dd.MM.yyyy HH:mm}. Patterns parse
 * strictly (no 30 February), with {@code yyyy} meaning the common era. Immutable and thread-safe.
 */
public final class TimeFormat {

    public static final String ISO = "iso";
    public static final String EPOCH_MILLIS = "epoch_millis";
    public static final String EPOCH_SECONDS = "epoch_seconds";

    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,19}");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d{1,19}(\\.\\d{1,9})?");

    private final String spec;
    private final DateTimeFormatter pattern;

    private TimeFormat(String spec, DateTimeFormatter pattern) {
        this.spec = spec;
        this.pattern = pattern;
    }

    /** Compiles a format; an invalid pattern throws IllegalArgumentException saying why. */
    public static TimeFormat compile(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("empty format");
        if (ISO.equals(spec) || EPOCH_MILLIS.equals(spec) || EPOCH_SECONDS.equals(spec)) {
            return new TimeFormat(spec, null);
        }
        try {
            DateTimeFormatter formatter = new DateTimeFormatterBuilder()
                    .appendPattern(spec)
                    .parseDefaulting(ChronoField.ERA, 1)
                    .toFormatter(Locale.ROOT)
                    .withResolverStyle(ResolverStyle.STRICT);
            return new TimeFormat(spec, formatter);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid pattern '" + spec + "' (" + e.getMessage() + ")", e);
        }
    }

    public String spec() {
        return spec;
    }

    /**
     * The instant {@code text} denotes; local date-times are placed in {@code zone}, plain dates at
     * the start of their day there.
     *
     * @throws DateTimeException when the text does not have this format
     */
    public Instant parseInstant(String text, ZoneId zone) {
        String t = text.strip();
        switch (spec) {
            case EPOCH_MILLIS -> {
                if (!INTEGER.matcher(t).matches()) throw new DateTimeException("not epoch milliseconds");
                try {
                    return Instant.ofEpochMilli(Long.parseLong(t));
                } catch (NumberFormatException e) {
                    throw new DateTimeException("epoch milliseconds out of range");
                }
            }
            case EPOCH_SECONDS -> {
                if (!DECIMAL.matcher(t).matches()) throw new DateTimeException("not epoch seconds");
                BigDecimal seconds = new BigDecimal(t);
                long whole = seconds.longValue();
                long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
                return Instant.ofEpochSecond(whole, nanos);
            }
            case ISO -> {
                return toInstant(DateTimeFormatter.ISO_DATE_TIME.parseBest(t, ZonedDateTime::from,
                        OffsetDateTime::from, LocalDateTime::from), zone);
            }
            default -> {
                return toInstant(pattern.parseBest(t, ZonedDateTime::from, OffsetDateTime::from,
                        LocalDateTime::from, LocalDate::from), zone);
            }
        }
    }

    /**
     * The calendar date {@code text} denotes ({@code iso} = {@code 2024-03-01}).
     *
     * @throws DateTimeException when the text does not have this format
     */
    public LocalDate parseDate(String text) {
        String t = text.strip();
        return switch (spec) {
            case ISO -> LocalDate.parse(t, DateTimeFormatter.ISO_LOCAL_DATE);
            case EPOCH_MILLIS, EPOCH_SECONDS -> throw new DateTimeException(spec + " is not a date format");
            default -> LocalDate.from(pattern.parse(t));
        };
    }

    private static Instant toInstant(TemporalAccessor parsed, ZoneId zone) {
        if (parsed instanceof ZonedDateTime z) return z.toInstant();
        if (parsed instanceof OffsetDateTime o) return o.toInstant();
        if (parsed instanceof LocalDateTime l) return l.atZone(zone).toInstant();
        return ((LocalDate) parsed).atStartOfDay(zone).toInstant();
    }

    @Override
    public String toString() {
        return spec;
    }
}
