package io.inlet.aws.sqs;

import java.util.Objects;

/**
 * Where bodies too large for an SQS message are stored; the message then carries
 * {@code {"inletClaimCheck": {"bucket": ..., "key": ...}}} instead of the body.
 *
 * @param bucket S3 bucket
 * @param prefix key prefix (may be empty); the key is {@code prefix + destination + "/" + eventId + ".json"}
 */
public record ClaimCheck(String bucket, String prefix) {

    public ClaimCheck {
        Objects.requireNonNull(bucket, "bucket");
        if (bucket.isBlank()) throw new IllegalArgumentException("claim-check bucket is blank");
        prefix = prefix == null ? "" : prefix;
    }

    public String keyFor(String destination, String eventId) {
        return prefix + destination + "/" + eventId + ".json";
    }
}
