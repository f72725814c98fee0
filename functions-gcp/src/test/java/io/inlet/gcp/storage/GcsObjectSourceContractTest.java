package io.inlet.gcp.storage;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import io.inlet.source.ObjectSourceContract;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link GcsObjectSource} under the {@link ObjectSourceContract}: the real google-cloud-storage client
 * over google-cloud-nio's in-memory Storage, the GCS test storage of this module.
 *
 * <p>That fake keeps one object per name and assigns no generations: {@link #put} gives each write
 * a new generation as GCS would, and an overwrite replaces the old one, as in a bucket without object
 * versioning ({@link Versions#REPLACED}). Reading a kept noncurrent generation is S3's
 * {@link Versions#KEPT} case, proven against S3Proxy; GcsObjectSource sends the generation the same
 * way whatever the bucket keeps.
 */
class GcsObjectSourceContractTest extends ObjectSourceContract {

    private static final String BUCKET = "contract-drop";
    private static final AtomicLong GENERATIONS = new AtomicLong(1_737_000_000_000_000L);

    private final Storage storage = LocalStorageHelper.getOptions().getService();

    @Override
    protected ObjectSource source() {
        return new GcsObjectSource(storage);
    }

    @Override
    protected ObjectRef put(String key, byte[] bytes) {
        long generation = GENERATIONS.incrementAndGet();
        storage.create(BlobInfo.newBuilder(BlobId.of(BUCKET, key, generation)).build(), bytes);
        return new ObjectRef(BUCKET, key, Long.toString(generation), null, (long) bytes.length);
    }

    @Override
    protected void delete(String key) {
        storage.delete(BlobId.of(BUCKET, key));
    }

    @Override
    protected Versions versions() {
        return Versions.REPLACED;
    }

    @Override
    protected Optional<String> missingBucket() {
        return Optional.of("no-such-bucket");
    }

    @Override
    protected ObjectRef unversioned(String key) {
        return new ObjectRef(BUCKET, key, null, null, null);
    }
}
