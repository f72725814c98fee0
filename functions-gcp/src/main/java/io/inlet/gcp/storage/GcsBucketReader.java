package io.inlet.gcp.storage;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import io.inlet.trigger.BucketReader;

/** Reads a whole GCS object for the core's {@code FeedsLocation} ({@code gs://bucket/key}). */
public record GcsBucketReader(Storage storage) implements BucketReader {

    @Override
    public String scheme() {
        return "gs";
    }

    @Override
    public byte[] read(String bucket, String key) {
        return storage.readAllBytes(BlobId.of(bucket, key));
    }
}
