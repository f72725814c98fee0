package io.inlet.aws.s3;

import io.inlet.trigger.BucketReader;
import software.amazon.awssdk.services.s3.S3Client;

/** Reads a whole S3 object for the core's {@code FeedsLocation} ({@code s3://bucket/key}). */
public record S3BucketReader(S3Client s3) implements BucketReader {

    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public byte[] read(String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }
}
