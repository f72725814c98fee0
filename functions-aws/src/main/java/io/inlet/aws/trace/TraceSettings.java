package io.inlet.aws.trace;

import io.inlet.trigger.EnvironmentVariables;
import io.inlet.trigger.SettingException;
import java.util.Locale;
import java.util.Map;

/**
 * Where the AWS functions' spans go, from the environment; a wrong value fails start-up with a
 * {@link SettingException} naming the variable.
 *
 * @param export      INLET_TRACING: {@code xray} (default) or {@code off}
 * @param daemonHost  AWS_XRAY_DAEMON_ADDRESS's host (Lambda sets it in every sandbox; default {@value #DEFAULT_HOST})
 * @param daemonPort  AWS_XRAY_DAEMON_ADDRESS's UDP port (default {@value #DEFAULT_PORT})
 * @param sampleRatio INLET_TRACE_SAMPLE_RATIO (0..1, default {@value #DEFAULT_SAMPLE_RATIO}): the share of traces that
 *                    start here (a delivery that carried no trace) which are recorded; a delivery with a trace, and
 *                    the invocation's X-Ray header, follow their own sampled flag
 */
public record TraceSettings(Export export, String daemonHost, int daemonPort, double sampleRatio) {

    public static final String TRACING = "INLET_TRACING";
    public static final String DAEMON_ADDRESS = "AWS_XRAY_DAEMON_ADDRESS";
    public static final String SAMPLE_RATIO = "INLET_TRACE_SAMPLE_RATIO";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 2000;
    public static final double DEFAULT_SAMPLE_RATIO = 0.05;

    /** Where spans are exported. */
    public enum Export {
        /** To the X-Ray daemon over UDP, unless an OpenTelemetry layer installed its own SDK (then that one records). */
        XRAY("xray"),
        /** Nowhere: no span object is made, whatever a layer installed. */
        OFF("off");

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
        if (daemonHost == null || daemonHost.isBlank()) throw new SettingException(DAEMON_ADDRESS, "has no host");
        if (daemonPort < 1 || daemonPort > 65535) throw new SettingException(DAEMON_ADDRESS, "port must be 1..65535 (was " + daemonPort + ")");
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
            throw new SettingException(SAMPLE_RATIO, "must be a number from 0 to 1 (was " + sampleRatio + ")");
        }
    }

    public static TraceSettings fromEnvironment(Map<String, String> variables) {
        EnvironmentVariables env = new EnvironmentVariables(variables);
        String value = env.optional(TRACING);
        Export export = Export.XRAY;
        if (value != null) {
            export = switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "xray" -> Export.XRAY;
                case "off" -> Export.OFF;
                default -> throw new SettingException(TRACING, "must be xray or off (was '" + value + "')");
            };
        }
        String address = env.optional(DAEMON_ADDRESS);
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        if (address != null && !address.isBlank()) {
            // Lambda's form is host:port (169.254.79.129:2000); the X-Ray SDKs also accept "tcp:h:p udp:h:p"
            String udp = address.trim();
            for (String part : udp.split("\\s+")) {
                if (part.startsWith("udp:")) udp = part.substring(4);
            }
            int colon = udp.lastIndexOf(':');
            if (colon <= 0 || udp.contains(" ")) throw new SettingException(DAEMON_ADDRESS, "must be host:port (was '" + address + "')");
            host = udp.substring(0, colon);
            try {
                port = Integer.parseInt(udp.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new SettingException(DAEMON_ADDRESS, "must be host:port (was '" + address + "')");
            }
        }
        return new TraceSettings(export, host, port, ratio(env.optional(SAMPLE_RATIO)));
    }

    private static double ratio(String value) {
        if (value == null) return DEFAULT_SAMPLE_RATIO;
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new SettingException(SAMPLE_RATIO, "must be a number from 0 to 1 (was '" + value + "')");
        }
    }
}
