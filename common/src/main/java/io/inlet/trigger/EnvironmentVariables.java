package io.inlet.trigger;

import io.inlet.ingest.FileIngester;
import io.inlet.outbox.RelayWakeSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The one way a function reads its settings: blank counts as unset, values are trimmed, and every
 * wrong or missing value throws {@link SettingException} naming the variable, at start-up.
 */
public final class EnvironmentVariables {

    /** Variables both clouds read. */
    public static final String FEEDS = "INLET_FEEDS";
    public static final String DATABASE_URL = "INLET_DATABASE_URL";
    public static final String DATABASE_USER = "INLET_DATABASE_USER";
    public static final String DATABASE_PASSWORD = "INLET_DATABASE_PASSWORD";
    public static final String DESTINATIONS = "INLET_DESTINATIONS";
    public static final String CHANNEL = "INLET_CHANNEL";
    /** The core's {@code Inlet.Builder.maxFailedAttempts}: failed attempts in a row before a file is REJECTED. */
    public static final String MAX_FAILED_ATTEMPTS = "INLET_MAX_FAILED_ATTEMPTS";

    private final Map<String, String> env;

    public EnvironmentVariables(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static EnvironmentVariables system() {
        return new EnvironmentVariables(System.getenv());
    }

    /** The value, or null when unset or blank. */
    public String optional(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** @param what what the variable is for, said in the error when it is missing */
    public String required(String name, String what) {
        String v = optional(name);
        if (v == null) throw new SettingException(name, "is not set" + (what == null || what.isEmpty() ? "" : ": " + what));
        return v;
    }

    /** A whole number within {@code min..max}, or {@code fallback} when unset. */
    public int integer(String name, int fallback, int min, int max) {
        String v = optional(name);
        if (v == null) return fallback;
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new SettingException(name, "'" + v + "' is not a whole number (" + min + ".." + max + ")");
        }
        if (n < min || n > max) throw new SettingException(name, "must be " + min + ".." + max + " (was " + n + ")");
        return (int) n;
    }

    /** Whole milliseconds, not negative, or {@code fallback} when unset. */
    public Duration millis(String name, Duration fallback) {
        String v = optional(name);
        if (v == null) return fallback;
        long ms;
        try {
            ms = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new SettingException(name, "'" + v + "' is not a whole number of milliseconds");
        }
        if (ms < 0) throw new SettingException(name, "must not be negative (was " + ms + ")");
        return Duration.ofMillis(ms);
    }

    /** {@code name=value,name2=value2}, in order; an entry without a name or a value, or a name given twice, throws. */
    public Map<String, String> pairs(String name, String shape) {
        Map<String, String> out = new LinkedHashMap<>();
        String text = optional(name);
        if (text == null) return out;
        for (String entry : text.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) continue;
            int eq = e.indexOf('=');
            if (eq < 1 || eq == e.length() - 1) throw new SettingException(name, "'" + e + "' is not " + shape);
            String key = e.substring(0, eq).trim();
            if (out.put(key, e.substring(eq + 1).trim()) != null) {
                throw new SettingException(name, "names '" + key + "' twice");
            }
        }
        return out;
    }

    /** A comma-separated list of names. */
    public Set<String> names(String name) {
        Set<String> out = new LinkedHashSet<>();
        String text = optional(name);
        if (text == null) return out;
        Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        return out;
    }

    /** INLET_MAX_FAILED_ATTEMPTS, 1..1000, default the core's ({@link FileIngester#DEFAULT_MAX_FAILED_ATTEMPTS}). */
    public int maxFailedAttempts() {
        return integer(MAX_FAILED_ATTEMPTS, FileIngester.DEFAULT_MAX_FAILED_ATTEMPTS, 1, 1000);
    }

    /**
     * INLET_RELAY_WAKE_WINDOW_MS (10..60000, default 500) and INLET_RELAY_WAKE_POLL_MS (10..10000,
     * default 100): how relay wake-ups are coalesced ({@link RelayWakeSettings}), on both clouds.
     */
    public RelayWakeSettings relayWake() {
        RelayWakeSettings d = RelayWakeSettings.DEFAULTS;
        return new RelayWakeSettings(
                Duration.ofMillis(integer(RelayWakeSettings.WINDOW_VARIABLE, (int) d.window().toMillis(), 10, 60_000)),
                Duration.ofMillis(integer(RelayWakeSettings.POLL_VARIABLE, (int) d.poll().toMillis(), 10, 10_000)));
    }
}
