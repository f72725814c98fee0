package io.inlet.aws.config;

import io.inlet.outbox.RelayWakeSettings;
import io.inlet.trigger.EnvironmentVariables;
import io.inlet.trigger.SettingException;
import java.util.Map;

/**
 * The relay's wake queue, read and validated at cold start with the other settings: set on the
 * ingesting functions (they send wakes) and on the relay (it wakes a successor when its deadline stops
 * it with rows pending). Unset: no wakes, the relay runs on its schedule only.
 *
 * @param queueUrl INLET_RELAY_WAKE_QUEUE_URL: the wake queue's URL
 * @param settings INLET_RELAY_WAKE_WINDOW_MS, INLET_RELAY_WAKE_POLL_MS ({@link EnvironmentVariables#relayWake()})
 */
public record WakeQueue(String queueUrl, RelayWakeSettings settings) {

    public static final String QUEUE_URL = "INLET_RELAY_WAKE_QUEUE_URL";

    /** The wake queue the environment names, or null when {@value #QUEUE_URL} is unset; a wrong value fails naming its variable. */
    public static WakeQueue fromEnvironment(Map<String, String> variables) {
        EnvironmentVariables env = new EnvironmentVariables(variables);
        RelayWakeSettings settings = env.relayWake();
        String url = env.optional(QUEUE_URL);
        if (url == null) return null;
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
            throw new SettingException(QUEUE_URL, "is not a queue URL: '" + url + "'");
        }
        return new WakeQueue(url, settings);
    }
}
