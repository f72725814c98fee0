package io.inlet.aws.config;

import io.inlet.aws.sqs.SqsEventPublisher;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the functions read from their environment, validated once at cold start. A wrong or
 * missing value fails start-up with an {@link InvalidSettingException} naming the variable.
 *
 * @param feeds             INLET_FEEDS: {@code classpath:feeds.yaml}, a file path, or {@code s3://bucket/key}
 * @param databaseUrl       INLET_DATABASE_URL: a {@code jdbc:postgresql://} URL
 * @param databaseUser      INLET_DATABASE_USER (with a password; ignored when a secret is used)
 * @param databasePassword  INLET_DATABASE_PASSWORD, or null when a secret is used
 * @param databaseSecretArn INLET_DATABASE_SECRET_ARN: Secrets Manager JSON secret with username/password
 * @param destinations      INLET_DESTINATIONS: {@code name=queueUrl,name2=queueUrl2}
 * @param claimCheckBucket  INLET_CLAIM_CHECK_BUCKET: where oversized outbox bodies go; null to fail them
 * @param claimCheckPrefix  INLET_CLAIM_CHECK_PREFIX (default {@code claim-checks/})
 * @param channel           INLET_CHANNEL: logical channel of business events on the triggering queue;
 *                          null means the queue name from the record's eventSourceARN
 * @param safetyMargin      INLET_SAFETY_MARGIN_MS (default 10000): stop taking work this long before the timeout
 * @param relaySendConcurrency INLET_RELAY_SEND_CONCURRENCY (default 8, 1..64): SendMessageBatch calls the relay
 *                          keeps in flight for one claimed batch
 */
public record FunctionSettings(String feeds, String databaseUrl, String databaseUser, String databasePassword,
                               String databaseSecretArn, Map<String, String> destinations, String claimCheckBucket,
                               String claimCheckPrefix, String channel, Duration safetyMargin,
                               int relaySendConcurrency) {

    public static final String FEEDS = "INLET_FEEDS";
    public static final String DATABASE_URL = "INLET_DATABASE_URL";
    public static final String DATABASE_USER = "INLET_DATABASE_USER";
    public static final String DATABASE_PASSWORD = "INLET_DATABASE_PASSWORD";
    public static final String DATABASE_SECRET_ARN = "INLET_DATABASE_SECRET_ARN";
    public static final String DESTINATIONS = "INLET_DESTINATIONS";
    public static final String CLAIM_CHECK_BUCKET = "INLET_CLAIM_CHECK_BUCKET";
    public static final String CLAIM_CHECK_PREFIX = "INLET_CLAIM_CHECK_PREFIX";
    public static final String CHANNEL = "INLET_CHANNEL";
    public static final String SAFETY_MARGIN_MS = "INLET_SAFETY_MARGIN_MS";
    public static final String RELAY_SEND_CONCURRENCY = "INLET_RELAY_SEND_CONCURRENCY";

    public FunctionSettings {
        destinations = Map.copyOf(destinations);
    }

    public static FunctionSettings fromEnvironment(Map<String, String> env) {
        String feeds = required(env, FEEDS);
        if (feeds.startsWith("s3://") && feeds.substring(5).indexOf('/') < 1) {
            throw new InvalidSettingException(FEEDS, "'" + feeds + "' is not s3://bucket/key");
        }
        String url = required(env, DATABASE_URL);
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new InvalidSettingException(DATABASE_URL, "must start with jdbc:postgresql:// (was '" + url + "')");
        }
        String secretArn = optional(env, DATABASE_SECRET_ARN);
        String user = optional(env, DATABASE_USER);
        String password = optional(env, DATABASE_PASSWORD);
        if (secretArn != null && password != null) {
            throw new InvalidSettingException(DATABASE_PASSWORD, "set either it or " + DATABASE_SECRET_ARN + ", not both");
        }
        if (secretArn == null) {
            if (password == null) {
                throw new InvalidSettingException(DATABASE_PASSWORD, "is not set (nor is " + DATABASE_SECRET_ARN + ")");
            }
            if (user == null) throw new InvalidSettingException(DATABASE_USER, "is not set");
        } else if (!secretArn.startsWith("arn:")) {
            throw new InvalidSettingException(DATABASE_SECRET_ARN, "'" + secretArn + "' is not an ARN");
        }
        String prefix = optional(env, CLAIM_CHECK_PREFIX);
        return new FunctionSettings(feeds, url, user, password, secretArn, destinations(optional(env, DESTINATIONS)),
                optional(env, CLAIM_CHECK_BUCKET), prefix == null ? "claim-checks/" : prefix, optional(env, CHANNEL),
                safetyMargin(optional(env, SAFETY_MARGIN_MS)), relaySendConcurrency(optional(env, RELAY_SEND_CONCURRENCY)));
    }

    static Map<String, String> destinations(String value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null) return out;
        for (String pair : value.split(",")) {
            if (pair.isBlank()) continue;
            int eq = pair.indexOf('=');
            if (eq < 1 || eq == pair.length() - 1) {
                throw new InvalidSettingException(DESTINATIONS, "'" + pair.trim() + "' is not name=queueUrl");
            }
            String name = pair.substring(0, eq).trim();
            String queueUrl = pair.substring(eq + 1).trim();
            if (!queueUrl.startsWith("https://") && !queueUrl.startsWith("http://")) {
                throw new InvalidSettingException(DESTINATIONS, "queue URL of '" + name + "' is not a URL: '" + queueUrl + "'");
            }
            if (out.put(name, queueUrl) != null) {
                throw new InvalidSettingException(DESTINATIONS, "destination '" + name + "' is given twice");
            }
        }
        return out;
    }

    private static Duration safetyMargin(String value) {
        if (value == null) return Duration.ofSeconds(10);
        try {
            long ms = Long.parseLong(value);
            if (ms < 0) throw new InvalidSettingException(SAFETY_MARGIN_MS, "must not be negative (was " + ms + ")");
            return Duration.ofMillis(ms);
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(SAFETY_MARGIN_MS, "'" + value + "' is not a whole number of milliseconds");
        }
    }

    private static int relaySendConcurrency(String value) {
        if (value == null) return SqsEventPublisher.DEFAULT_SEND_CONCURRENCY;
        int max = SqsEventPublisher.MAX_SEND_CONCURRENCY;
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(RELAY_SEND_CONCURRENCY, "'" + value + "' is not a whole number (1.." + max + ")");
        }
        if (n < 1 || n > max) {
            throw new InvalidSettingException(RELAY_SEND_CONCURRENCY, "must be 1.." + max + " (was " + n + ")");
        }
        return n;
    }

    private static String required(Map<String, String> env, String name) {
        String v = optional(env, name);
        if (v == null) throw new InvalidSettingException(name, "is not set");
        return v;
    }

    private static String optional(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
