package io.inlet.gcp.trace;

import io.inlet.trigger.EnvironmentVariables;
import io.inlet.trigger.SettingException;
import java.util.Locale;
import java.util.Map;

/**
 * Where the GCP functions' spans go, from the environment; a wrong value fails the instance at start-up
 * with a {@link SettingException} naming the variable.
 *
 * @param export      INLET_TRACING: {@code cloud-trace} (default when {@code GOOGLE_CLOUD_PROJECT} is set) or {@code off}
 * @param projectId   GOOGLE_CLOUD_PROJECT (else GCP_PROJECT, INLET_GCP_PROJECT): the Cloud Trace project; null when off
 * @param sampleRatio INLET_TRACE_SAMPLE_RATIO (0..1, default {@value #DEFAULT_SAMPLE_RATIO}): the share of traces that
 *                    start here (a delivery without a {@code traceparent}) which are recorded; a delivery with one
 *                    follows its sampled flag
 */
public record TraceSettings(Export export, String projectId, double sampleRatio) {

    public static final String TRACING = "INLET_TRACING";
    public static final String SAMPLE_RATIO = "INLET_TRACE_SAMPLE_RATIO";
    public static final double DEFAULT_SAMPLE_RATIO = 0.1;
    public static final TraceSettings OFF = new TraceSettings(Export.OFF, null, DEFAULT_SAMPLE_RATIO);

    /** Where spans are exported. */
    public enum Export {
        CLOUD_TRACE("cloud-trace"), OFF("off");

        private final String value;

        Export(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    public TraceSettings {
        if (export == null) throw new IllegalArgumentException("export is required");
        if (export == Export.CLOUD_TRACE && (projectId == null || projectId.isBlank())) {
            throw new SettingException(TRACING, "is cloud-trace, but no project is set (GOOGLE_CLOUD_PROJECT, GCP_PROJECT or INLET_GCP_PROJECT)");
        }
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
            throw new SettingException(SAMPLE_RATIO, "must be a number from 0 to 1 (was " + sampleRatio + ")");
        }
    }

    public static TraceSettings fromEnvironment(Map<String, String> variables) {
        EnvironmentVariables env = new EnvironmentVariables(variables);
        String project = firstSet(env, "GOOGLE_CLOUD_PROJECT", "GCP_PROJECT", "INLET_GCP_PROJECT");
        String value = env.optional(TRACING);
        Export export;
        if (value == null) {
            export = project == null ? Export.OFF : Export.CLOUD_TRACE;
        } else {
            export = switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "cloud-trace" -> Export.CLOUD_TRACE;
                case "off" -> Export.OFF;
                default -> throw new SettingException(TRACING, "must be cloud-trace or off (was '" + value + "')");
            };
        }
        return new TraceSettings(export, export == Export.OFF ? null : project, ratio(env.optional(SAMPLE_RATIO)));
    }

    private static double ratio(String value) {
        if (value == null) return DEFAULT_SAMPLE_RATIO;
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new SettingException(SAMPLE_RATIO, "must be a number from 0 to 1 (was '" + value + "')");
        }
    }

    private static String firstSet(EnvironmentVariables env, String... names) {
        for (String name : names) {
            String v = env.optional(name);
            if (v != null && !v.isBlank()) return v.trim();
        }
        return null;
    }
}
