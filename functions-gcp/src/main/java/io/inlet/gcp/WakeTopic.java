package io.inlet.gcp;

import com.google.pubsub.v1.TopicName;
import io.inlet.outbox.RelayWakeSettings;
import io.inlet.trigger.EnvironmentVariables;
import io.inlet.trigger.SettingException;
import java.util.Map;

/**
 * The relay's wake topic, read and validated when the instance starts: set on the ingesting functions
 * (they send wakes) and on the relay (it wakes a successor when its deadline stops it with rows
 * pending). Unset: no wakes, the relay runs on its Cloud Scheduler job only.
 *
 * @param topic    INLET_RELAY_WAKE_TOPIC: {@code projects/P/topics/T}
 * @param settings INLET_RELAY_WAKE_WINDOW_MS, INLET_RELAY_WAKE_POLL_MS ({@link EnvironmentVariables#relayWake()})
 */
public record WakeTopic(TopicName topic, RelayWakeSettings settings) {

    public static final String TOPIC = "INLET_RELAY_WAKE_TOPIC";

    /** The wake topic the environment names, or null when {@value #TOPIC} is unset; a wrong value fails naming its variable. */
    public static WakeTopic fromEnvironment(Map<String, String> variables) {
        EnvironmentVariables env = new EnvironmentVariables(variables);
        RelayWakeSettings settings = env.relayWake();
        String topic = env.optional(TOPIC);
        if (topic == null) return null;
        if (!TopicName.isParsableFrom(topic)) throw new SettingException(TOPIC, "is not projects/P/topics/T: '" + topic + "'");
        return new WakeTopic(TopicName.parse(topic), settings);
    }
}
