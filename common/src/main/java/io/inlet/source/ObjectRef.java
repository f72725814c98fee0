package io.inlet.source;

import java.util.Objects;

/**
 * The identity of one stored object version: what a trigger payload decodes to and what the file
 * ledger keys on.
 *
 * @param bucket  bucket name (S3 bucket, GCS bucket, or {@code "file"} for local paths)
 * @param key     object key, already decoded (never URL-encoded)
 * @param version S3 version id or GCS generation; {@code null} when the bucket is unversioned
 * @param etag    ETag / md5 / crc as the store reports it; {@code null} when unknown
 * @param size    size in bytes; {@code null} when the notification does not say
 */
public record ObjectRef(String bucket, String key, String version, String etag, Long size) {

    public ObjectRef {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (bucket.isBlank()) throw new IllegalArgumentException("bucket is blank");
        if (key.isEmpty()) throw new IllegalArgumentException("key is empty");
    }

    /** {@code bucket/key} plus {@code #version} when versioned: how logs and sources name the object. */
    public String displayName() {
        return bucket + "/" + key + (version == null ? "" : "#" + version);
    }
}
