package io.inlet.gcp;

import com.google.pubsub.v1.TopicName;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Everything the functions read from their environment, validated once at start-up: a wrong or
 * missing variable fails the instance with a message naming it, before any event is taken.
 *
 * @param feeds               INLET_FEEDS: {@code classpath:feeds.yaml}, a file path, or {@code gs://bucket/key}
 * @param databaseUrl         INLET_DATABASE_URL: {@code jdbc:postgresql://host:port/db}
 * @param databaseUser        INLET_DATABASE_USER, or null when the URL carries it
 * @param databasePassword    INLET_DATABASE_PASSWORD (from Secret Manager), or null
 * @param destinations        INLET_DESTINATIONS: logical destination -> topic, {@code name=projects/p/topics/t,...}
 * @param orderedDestinations INLET_ORDERED_DESTINATIONS: destinations published with the stream id as ordering key
 * @param channel             INLET_CHANNEL: the message channel, or null to use the topic/subscription name
 * @param emulatorHost        PUBSUB_EMULATOR_HOST: {@code host:port} of a Pub/Sub emulator, or null
 * @param timeout             INLET_TIMEOUT_SECONDS: the function's configured timeout (default 60 s)
 */
public record GcpSettings(String feeds, String databaseUrl, String databaseUser, String databasePassword,
                          Map<String, TopicName> destinations, Set<String> orderedDestinations, String channel,
                          String emulatorHost, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public GcpSettings {
        destinations = Map.copyOf(destinations);
        orderedDestinations = Set.copyOf(orderedDestinations);
    }

    /** Reads and validates the variables; throws {@link SettingsException} naming the first wrong one. */
    public static GcpSettings fromEnvironment(Map<String, String> env) {
        String feeds = required(env, "INLET_FEEDS", "where the feeds file is: classpath:feeds.yaml, a path, or gs://bucket/key");
        if (feeds.startsWith("gs://") && feeds.substring(5).indexOf('/') <= 0) {
            throw new SettingsException("INLET_FEEDS", "'" + feeds + "' is not gs://bucket/key");
        }
        String url = required(env, "INLET_DATABASE_URL", "the PostgreSQL JDBC URL, e.g. jdbc:postgresql://10.0.0.3:5432/inlet");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new SettingsException("INLET_DATABASE_URL", "must start with jdbc:postgresql: (was '" + url.split("\\?")[0] + "')");
        }
        Map<String, TopicName> destinations = destinations(optional(env, "INLET_DESTINATIONS"));
        Set<String> ordered = names(optional(env, "INLET_ORDERED_DESTINATIONS"));
        for (String name : ordered) {
            if (!destinations.containsKey(name)) {
                throw new SettingsException("INLET_ORDERED_DESTINATIONS", "names '" + name + "', which INLET_DESTINATIONS does not define");
            }
        }
        String emulator = optional(env, "PUBSUB_EMULATOR_HOST");
        if (emulator != null && !emulator.matches("[^:/\\s]+:\\d{1,5}")) {
            throw new SettingsException("PUBSUB_EMULATOR_HOST", "must be host:port (was '" + emulator + "')");
        }
        return new GcpSettings(feeds, url, optional(env, "INLET_DATABASE_USER"), optional(env, "INLET_DATABASE_PASSWORD"),
                destinations, ordered, optional(env, "INLET_CHANNEL"), emulator, timeout(optional(env, "INLET_TIMEOUT_SECONDS")));
    }

    private static String required(Map<String, String> env, String name, String what) {
        String v = optional(env, name);
        if (v == null) throw new SettingsException(name, "is not set: " + what);
        return v;
    }

    private static String optional(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static Map<String, TopicName> destinations(String text) {
        Map<String, TopicName> map = new LinkedHashMap<>();
        if (text == null) return map;
        for (String entry : text.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) continue;
            int eq = e.indexOf('=');
            if (eq <= 0) throw new SettingsException("INLET_DESTINATIONS", "entry '" + e + "' is not name=projects/P/topics/T");
            String name = e.substring(0, eq).trim();
            String topic = e.substring(eq + 1).trim();
            if (!TopicName.isParsableFrom(topic)) {
                throw new SettingsException("INLET_DESTINATIONS", "topic of '" + name + "' is not projects/P/topics/T: '" + topic + "'");
            }
            if (map.put(name, TopicName.parse(topic)) != null) {
                throw new SettingsException("INLET_DESTINATIONS", "names '" + name + "' twice");
            }
        }
        return map;
    }

    private static Set<String> names(String text) {
        Set<String> set = new LinkedHashSet<>();
        if (text == null) return set;
        Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(set::add);
        return set;
    }

    private static Duration timeout(String text) {
        if (text == null) return DEFAULT_TIMEOUT;
        try {
            long seconds = Long.parseLong(text);
            if (seconds < 1 || seconds > 3600) throw new NumberFormatException();
            return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw new SettingsException("INLET_TIMEOUT_SECONDS", "must be whole seconds between 1 and 3600 (was '" + text + "')");
        }
    }

    /** A missing or malformed environment variable; the message starts with its name. */
    public static final class SettingsException extends IllegalStateException {
        private final String variable;

        public SettingsException(String variable, String problem) {
            super(variable + " " + problem);
            this.variable = variable;
        }

        public String variable() {
            return variable;
        }
    }
}
