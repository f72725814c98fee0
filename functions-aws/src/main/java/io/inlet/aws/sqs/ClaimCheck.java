package io.inlet.aws.sqs;

import java.util.Objects;

/**
 * Where bodies too large for an SQS message are stored; the message then carries a
 * {@link PayloadS3Pointer} (the SQS Extended Client's format) instead of the body.
 *
 * @param bucket         S3 bucket
 * @param prefix         key prefix (may be empty); the key is {@code prefix + destination + "/" + eventId + ".json"}
 * @param thresholdBytes a message (body plus attributes) larger than this goes as a claim check,
 *                       1..{@link SqsEventPublisher#SQS_MAX_MESSAGE_BYTES}
 */
public record ClaimCheck(String bucket, String prefix, int thresholdBytes) {

    public ClaimCheck {
        Objects.requireNonNull(bucket, "bucket");
        if (bucket.isBlank()) throw new IllegalArgumentException("claim-check bucket is blank");
        prefix = prefix == null ? "" : prefix;
        if (thresholdBytes < 1 || thresholdBytes > SqsEventPublisher.SQS_MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("claim-check threshold must be 1.." + SqsEventPublisher.SQS_MAX_MESSAGE_BYTES
                    + " bytes (was " + thresholdBytes + ")");
        }
    }

    /** A claim check at the default threshold, {@link SqsEventPublisher#MAX_MESSAGE_BYTES} (SQS's default queue limit). */
    public ClaimCheck(String bucket, String prefix) {
        this(bucket, prefix, SqsEventPublisher.MAX_MESSAGE_BYTES);
    }

    public String keyFor(String destination, String eventId) {
        return prefix + destination + "/" + eventId + ".json";
    }
}
