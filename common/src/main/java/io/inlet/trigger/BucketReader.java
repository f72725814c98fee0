package io.inlet.trigger;

/** Reads one whole object of a cloud's object store; each cloud passes its own to {@link FeedsLocation}. */
public interface BucketReader {

    /** The URI scheme it reads: {@code s3} or {@code gs}. */
    String scheme();

    /** @throws RuntimeException when the object cannot be read (missing, no permission, unreachable) */
    byte[] read(String bucket, String key);
}
