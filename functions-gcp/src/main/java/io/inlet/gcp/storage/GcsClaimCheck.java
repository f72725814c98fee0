package io.inlet.gcp.storage;

import io.inlet.trigger.EnvironmentVariables;
import io.inlet.trigger.SettingException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Claim checks for Pub/Sub: where outbox messages over the threshold are stored (then sent as a
 * {@link GcsPointer}), and which buckets an inbound pointer may name.
 *
 * @param bucket         INLET_CLAIM_CHECK_BUCKET, or null: a message over the threshold then fails
 * @param prefix         INLET_CLAIM_CHECK_PREFIX (default {@code claim-checks/}); the object is
 *                       {@code prefix + destination + "/" + eventId + ".json"}
 * @param thresholdBytes INLET_CLAIM_CHECK_THRESHOLD_BYTES (default and maximum {@link #PUBSUB_MAX_MESSAGE_BYTES}):
 *                       a message whose data plus attributes is larger goes as a pointer
 * @param allowedBuckets INLET_CLAIM_CHECK_ALLOWED_BUCKETS: the buckets an inbound pointer may name besides {@code bucket}
 */
public record GcsClaimCheck(String bucket, String prefix, int thresholdBytes, Set<String> allowedBuckets) {

    /** Pub/Sub's limit on a message and on a publish request: 10 MB. */
    public static final int PUBSUB_MAX_MESSAGE_BYTES = 10_000_000;
    public static final String BUCKET = "INLET_CLAIM_CHECK_BUCKET";
    public static final String PREFIX = "INLET_CLAIM_CHECK_PREFIX";
    public static final String THRESHOLD_BYTES = "INLET_CLAIM_CHECK_THRESHOLD_BYTES";
    public static final String ALLOWED_BUCKETS = "INLET_CLAIM_CHECK_ALLOWED_BUCKETS";
    /** No claim-check bucket, no inbound pointer allowed. */
    public static final GcsClaimCheck NONE = new GcsClaimCheck(null, "claim-checks/", PUBSUB_MAX_MESSAGE_BYTES, Set.of());

    public GcsClaimCheck {
        if (bucket != null && bucket.isBlank()) throw new IllegalArgumentException("claim-check bucket is blank");
        prefix = prefix == null ? "" : prefix;
        if (thresholdBytes < 1 || thresholdBytes > PUBSUB_MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("claim-check threshold must be 1.." + PUBSUB_MAX_MESSAGE_BYTES
                    + " bytes (was " + thresholdBytes + ")");
        }
        allowedBuckets = Set.copyOf(allowedBuckets);
    }

    /** Reads the four variables; a wrong one fails start-up naming it. */
    public static GcsClaimCheck fromEnvironment(EnvironmentVariables env) {
        String bucket = env.optional(BUCKET);
        if (bucket != null && !bucket.matches("[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]")) {
            throw new SettingException(BUCKET, "'" + bucket + "' is not a bucket name");
        }
        String prefix = env.optional(PREFIX);
        return new GcsClaimCheck(bucket, prefix == null ? "claim-checks/" : prefix,
                env.integer(THRESHOLD_BYTES, PUBSUB_MAX_MESSAGE_BYTES, 1, PUBSUB_MAX_MESSAGE_BYTES), env.names(ALLOWED_BUCKETS));
    }

    public String objectFor(String destination, String eventId) {
        return prefix + destination + "/" + eventId + ".json";
    }

    /** The buckets an inbound pointer may name: the allow-list and the claim-check bucket. */
    public Set<String> pointerBuckets() {
        Set<String> out = new TreeSet<>(allowedBuckets);
        if (bucket != null) out.add(bucket);
        return out;
    }
}
