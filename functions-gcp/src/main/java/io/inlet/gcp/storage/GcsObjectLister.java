package io.inlet.gcp.storage;

import com.google.api.gax.paging.Page;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.inlet.source.ListedObject;
import io.inlet.source.ObjectLister;
import io.inlet.source.ObjectRef;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@link ObjectLister} on GCS: {@code objects.list}, a page at a time. The identity is the one a
 * storage notification decodes to: the generation, and the content hash (md5Hash, else crc32c for
 * composite objects), not the etag, which changes on a metadata update while the bytes stay.
 */
public final class GcsObjectLister implements ObjectLister {

    private final Storage storage;
    private final long pageSize;

    public GcsObjectLister(Storage storage) {
        this(storage, 1000);
    }

    public GcsObjectLister(Storage storage, long pageSize) {
        if (pageSize < 1) throw new IllegalArgumentException("pageSize " + pageSize + " < 1");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.pageSize = pageSize;
    }

    @Override
    public void list(String bucket, String prefix, Consumer<ListedObject> each) throws IOException {
        try {
            Page<Blob> page = storage.list(bucket, Storage.BlobListOption.prefix(prefix), Storage.BlobListOption.pageSize(pageSize));
            while (page != null) {
                for (Blob blob : page.getValues()) {
                    if (blob.getName().endsWith("/") && blob.getSize() != null && blob.getSize() == 0) continue;
                    each.accept(listed(blob));
                }
                page = page.hasNextPage() ? page.getNextPage() : null;
            }
        } catch (StorageException e) {
            throw new IOException("listing gs://" + bucket + "/" + prefix + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<ListedObject> stat(String bucket, String key, String version) throws IOException {
        try {
            BlobId id = version == null ? BlobId.of(bucket, key) : GcsObjectSource.blobId(new ObjectRef(bucket, key, version, null, null));
            Blob blob = storage.get(id);
            return blob == null ? Optional.empty() : Optional.of(listed(blob));
        } catch (StorageException e) {
            if (e.getCode() == 404) return Optional.empty();
            throw new IOException("reading gs://" + bucket + "/" + key + (version == null ? "" : "#" + version) + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** The identity a storage notification with this object resource decodes to (a {@link Blob} is a BlobInfo). */
    static ListedObject listed(BlobInfo blob) {
        String hash = blob.getMd5() != null && !blob.getMd5().isBlank() ? blob.getMd5()
                : blob.getCrc32c() != null && !blob.getCrc32c().isBlank() ? blob.getCrc32c() : null;
        String generation = blob.getGeneration() == null ? null : Long.toString(blob.getGeneration());
        Instant written = blob.getUpdateTimeOffsetDateTime() != null ? blob.getUpdateTimeOffsetDateTime().toInstant()
                : blob.getCreateTimeOffsetDateTime() != null ? blob.getCreateTimeOffsetDateTime().toInstant() : Instant.EPOCH;
        return new ListedObject(new ObjectRef(blob.getBucket(), blob.getName(), generation, hash, blob.getSize()), written);
    }
}
