package io.inlet.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * A point in time on the command line: an ISO instant ({@code 2026-11-20T06:00:00Z}), a date and time
 * with an offset, a date (midnight UTC), or an age ({@code 90m}, {@code 36h}, {@code 7d}: that long ago).
 */
final class TimeArgument implements CommandLine.ITypeConverter<Instant> {

    private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");

    private final Clock clock;

    TimeArgument() {
        this(Clock.systemUTC());
    }

    TimeArgument(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Instant convert(String value) {
        Matcher age = AGE.matcher(value);
        if (age.matches()) {
            long n = Long.parseLong(age.group(1));
            Duration d = switch (age.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return clock.instant().minus(d);
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException notDate) {
                    throw new CommandLine.TypeConversionException("'" + value
                            + "' is not a time: give 2026-11-20T06:00:00Z, 2026-11-20 (midnight UTC) or an age such as 36h or 7d");
                }
            }
        }
    }
}
