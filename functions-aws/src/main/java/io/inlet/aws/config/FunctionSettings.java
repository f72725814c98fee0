package io.inlet.aws.config;

import io.inlet.aws.sqs.SqsEventPublisher;
import io.inlet.trigger.EnvironmentVariables;
import io.inlet.trigger.FeedsLocation;
import io.inlet.trigger.SettingException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the functions read from their environment, validated once at cold start. A wrong or
 * missing value fails start-up with a {@link SettingException} naming the variable (read through the core's
 * {@link EnvironmentVariables}, as on every cloud). INLET_MAX_FAILED_ATTEMPTS is read by {@code ParallelInit}.
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
 * @param claimCheckThresholdBytes INLET_CLAIM_CHECK_THRESHOLD_BYTES (default 262144, 1..1048576): an outbox message
 *                          (body plus attributes) larger than this goes as a claim check
 * @param claimCheckAllowedBuckets INLET_CLAIM_CHECK_ALLOWED_BUCKETS: comma-separated buckets an inbound
 *                          large-message pointer may name (the claim-check bucket is always allowed); a pointer to
 *                          any other bucket is given up, never fetched
 */
public record FunctionSettings(String feeds, String databaseUrl, String databaseUser, String databasePassword,
                               String databaseSecretArn, Map<String, String> destinations, String claimCheckBucket,
                               String claimCheckPrefix, String channel, Duration safetyMargin,
                               int relaySendConcurrency, int claimCheckThresholdBytes,
                               Set<String> claimCheckAllowedBuckets) {

    public static final String FEEDS = EnvironmentVariables.FEEDS;
    public static final String DATABASE_URL = EnvironmentVariables.DATABASE_URL;
    public static final String DATABASE_USER = EnvironmentVariables.DATABASE_USER;
    public static final String DATABASE_PASSWORD = EnvironmentVariables.DATABASE_PASSWORD;
    public static final String DATABASE_SECRET_ARN = "INLET_DATABASE_SECRET_ARN";
    public static final String DESTINATIONS = EnvironmentVariables.DESTINATIONS;
    public static final String CLAIM_CHECK_BUCKET = "INLET_CLAIM_CHECK_BUCKET";
    public static final String CLAIM_CHECK_PREFIX = "INLET_CLAIM_CHECK_PREFIX";
    public static final String CHANNEL = EnvironmentVariables.CHANNEL;
    public static final String SAFETY_MARGIN_MS = "INLET_SAFETY_MARGIN_MS";
    public static final String RELAY_SEND_CONCURRENCY = "INLET_RELAY_SEND_CONCURRENCY";
    public static final String CLAIM_CHECK_THRESHOLD_BYTES = "INLET_CLAIM_CHECK_THRESHOLD_BYTES";
    public static final String CLAIM_CHECK_ALLOWED_BUCKETS = "INLET_CLAIM_CHECK_ALLOWED_BUCKETS";

    public FunctionSettings {
        destinations = Map.copyOf(destinations);
        claimCheckAllowedBuckets = Set.copyOf(claimCheckAllowedBuckets);
    }

    /** Settings with the default claim-check threshold and no other bucket allowed for inbound pointers. */
    public FunctionSettings(String feeds, String databaseUrl, String databaseUser, String databasePassword,
                            String databaseSecretArn, Map<String, String> destinations, String claimCheckBucket,
                            String claimCheckPrefix, String channel, Duration safetyMargin, int relaySendConcurrency) {
        this(feeds, databaseUrl, databaseUser, databasePassword, databaseSecretArn, destinations, claimCheckBucket,
                claimCheckPrefix, channel, safetyMargin, relaySendConcurrency, SqsEventPublisher.MAX_MESSAGE_BYTES, Set.of());
    }

    /** The buckets an inbound pointer may name: the allow-list plus the claim-check bucket. */
    public Set<String> pointerBuckets() {
        Set<String> out = new TreeSet<>(claimCheckAllowedBuckets);
        if (claimCheckBucket != null) out.add(claimCheckBucket);
        return out;
    }

    public static FunctionSettings fromEnvironment(Map<String, String> variables) {
        EnvironmentVariables env = new EnvironmentVariables(variables);
        String feeds = FeedsLocation.from(env).location();
        if (FeedsLocation.from(env).bucketScheme() != null && !feeds.startsWith("s3://")) {
            throw new SettingException(FEEDS, "'" + feeds + "' is not s3://bucket/key, a path or classpath:");
        }
        String url = env.required(DATABASE_URL, "a jdbc:postgresql:// URL");
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new SettingException(DATABASE_URL, "must start with jdbc:postgresql:// (was '" + url + "')");
        }
        String secretArn = env.optional(DATABASE_SECRET_ARN);
        String user = env.optional(DATABASE_USER);
        String password = env.optional(DATABASE_PASSWORD);
        if (secretArn != null && password != null) {
            throw new SettingException(DATABASE_PASSWORD, "set either it or " + DATABASE_SECRET_ARN + ", not both");
        }
        if (secretArn == null) {
            if (password == null) {
                throw new SettingException(DATABASE_PASSWORD, "is not set (nor is " + DATABASE_SECRET_ARN + ")");
            }
            if (user == null) throw new SettingException(DATABASE_USER, "is not set");
        } else if (!secretArn.startsWith("arn:")) {
            throw new SettingException(DATABASE_SECRET_ARN, "'" + secretArn + "' is not an ARN");
        }
        String prefix = env.optional(CLAIM_CHECK_PREFIX);
        return new FunctionSettings(feeds, url, user, password, secretArn, destinations(env),
                env.optional(CLAIM_CHECK_BUCKET), prefix == null ? "claim-checks/" : prefix, env.optional(CHANNEL),
                env.millis(SAFETY_MARGIN_MS, Duration.ofSeconds(10)),
                env.integer(RELAY_SEND_CONCURRENCY, SqsEventPublisher.DEFAULT_SEND_CONCURRENCY, 1,
                        SqsEventPublisher.MAX_SEND_CONCURRENCY),
                env.integer(CLAIM_CHECK_THRESHOLD_BYTES, SqsEventPublisher.MAX_MESSAGE_BYTES, 1,
                        SqsEventPublisher.SQS_MAX_MESSAGE_BYTES),
                env.names(CLAIM_CHECK_ALLOWED_BUCKETS));
    }

    static Map<String, String> destinations(EnvironmentVariables env) {
        Map<String, String> out = env.pairs(DESTINATIONS, "name=queueUrl");
        out.forEach((name, queueUrl) -> {
            if (!queueUrl.startsWith("https://") && !queueUrl.startsWith("http://")) {
                throw new SettingException(DESTINATIONS, "queue URL of '" + name + "' is not a URL: '" + queueUrl + "'");
            }
        });
        return out;
    }
}
