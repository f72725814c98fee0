package io.inlet.gcp;

import com.google.pubsub.v1.TopicName;
import io.inlet.gcp.storage.GcsClaimCheck;
import io.inlet.trigger.EnvironmentVariables;
import io.inlet.trigger.FeedsLocation;
import io.inlet.trigger.SettingException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything the functions read from their environment, validated once at start-up through the core's
 * {@link EnvironmentVariables}: a wrong or missing variable fails the instance with a
 * {@link SettingException} naming it, before any event is taken. INLET_MAX_FAILED_ATTEMPTS is read by
 * {@code GcpRuntime}.
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
 * @param claimCheck          INLET_CLAIM_CHECK_*: GCS claim checks for large Pub/Sub messages, both ways
 */
public record GcpSettings(String feeds, String databaseUrl, String databaseUser, String databasePassword,
                          Map<String, TopicName> destinations, Set<String> orderedDestinations, String channel,
                          String emulatorHost, Duration timeout, GcsClaimCheck claimCheck) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public GcpSettings {
        destinations = Map.copyOf(destinations);
        orderedDestinations = Set.copyOf(orderedDestinations);
        claimCheck = claimCheck == null ? GcsClaimCheck.NONE : claimCheck;
    }

    /** Settings without claim checks. */
    public GcpSettings(String feeds, String databaseUrl, String databaseUser, String databasePassword,
                       Map<String, TopicName> destinations, Set<String> orderedDestinations, String channel,
                       String emulatorHost, Duration timeout) {
        this(feeds, databaseUrl, databaseUser, databasePassword, destinations, orderedDestinations, channel, emulatorHost,
                timeout, GcsClaimCheck.NONE);
    }

    /** Reads and validates the variables; throws {@link SettingException} naming the first wrong one. */
    public static GcpSettings fromEnvironment(Map<String, String> variables) {
        EnvironmentVariables env = new EnvironmentVariables(variables);
        FeedsLocation feeds = FeedsLocation.from(env);
        if (feeds.bucketScheme() != null && !"gs".equals(feeds.bucketScheme())) {
            throw new SettingException(EnvironmentVariables.FEEDS, "'" + feeds.location() + "' is not gs://bucket/key, a path or classpath:");
        }
        String url = env.required(EnvironmentVariables.DATABASE_URL, "the PostgreSQL JDBC URL, e.g. jdbc:postgresql://10.0.0.3:5432/inlet");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new SettingException(EnvironmentVariables.DATABASE_URL, "must start with jdbc:postgresql: (was '" + url.split("\\?")[0] + "')");
        }
        Map<String, TopicName> destinations = destinations(env);
        Set<String> ordered = env.names("INLET_ORDERED_DESTINATIONS");
        for (String name : ordered) {
            if (!destinations.containsKey(name)) {
                throw new SettingException("INLET_ORDERED_DESTINATIONS", "names '" + name + "', which INLET_DESTINATIONS does not define");
            }
        }
        String emulator = env.optional("PUBSUB_EMULATOR_HOST");
        if (emulator != null && !emulator.matches("[^:/\\s]+:\\d{1,5}")) {
            throw new SettingException("PUBSUB_EMULATOR_HOST", "must be host:port (was '" + emulator + "')");
        }
        return new GcpSettings(feeds.location(), url, env.optional(EnvironmentVariables.DATABASE_USER),
                env.optional(EnvironmentVariables.DATABASE_PASSWORD), destinations, ordered,
                env.optional(EnvironmentVariables.CHANNEL), emulator,
                Duration.ofSeconds(env.integer("INLET_TIMEOUT_SECONDS", (int) DEFAULT_TIMEOUT.toSeconds(), 1, 3600)),
                GcsClaimCheck.fromEnvironment(env));
    }

    private static Map<String, TopicName> destinations(EnvironmentVariables env) {
        Map<String, TopicName> map = new LinkedHashMap<>();
        env.pairs(EnvironmentVariables.DESTINATIONS, "name=projects/P/topics/T").forEach((name, topic) -> {
            if (!TopicName.isParsableFrom(topic)) {
                throw new SettingException(EnvironmentVariables.DESTINATIONS,
                        "topic of '" + name + "' is not projects/P/topics/T: '" + topic + "'");
            }
            map.put(name, TopicName.parse(topic));
        });
        return map;
    }
}
