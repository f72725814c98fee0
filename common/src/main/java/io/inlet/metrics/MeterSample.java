package io.inlet.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One meter's value at an export: a counter's increase since the previous export, or a gauge's
 * current value. Exporters render it in their cloud's names ({@link #pascalName()} for CloudWatch,
 * {@link #snakeName()} for Cloud Logging fields); the names derive from the Micrometer name and base
 * unit, so the meter model stays the only source.
 *
 * @param name     the Micrometer name, e.g. {@code inlet.outbox.lag}
 * @param tags     the meter's tags, sorted by key
 * @param baseUnit Micrometer's base unit ({@code seconds}), or null
 */
public record MeterSample(String name, Map<String, String> tags, Kind kind, String baseUnit, double value) {

    public enum Kind { COUNTER, GAUGE }

    private static final String PREFIX = "inlet.";

    public MeterSample {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    /** {@code inlet.outbox.lag} (seconds) -> {@code OutboxLagSeconds}; {@code inlet.files} -> {@code Files}. */
    public String pascalName() {
        StringBuilder b = new StringBuilder();
        for (String part : parts()) b.append(pascal(part));
        return b.toString();
    }

    /** {@code inlet.outbox.lag} (seconds) -> {@code outbox_lag_seconds}; {@code inlet.files} -> {@code files}. */
    public String snakeName() {
        return String.join("_", parts()).toLowerCase(Locale.ROOT);
    }

    /** A tag key as a CloudWatch dimension name: {@code feed} -> {@code Feed}, {@code function} -> {@code Function}. */
    public static String pascal(String key) {
        StringBuilder b = new StringBuilder();
        for (String part : key.split("[._-]")) {
            if (!part.isEmpty()) b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return b.toString();
    }

    private java.util.List<String> parts() {
        String bare = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
        java.util.List<String> parts = new java.util.ArrayList<>(java.util.List.of(bare.split("\\.")));
        if (baseUnit != null && !baseUnit.isBlank() && !parts.get(parts.size() - 1).equals(baseUnit)) parts.add(baseUnit);
        return parts;
    }
}
