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
            Page<Blob> first = storage.list(bucket, Storage.BlobListOption.prefix(prefix), Storage.BlobListOption.pageSize(pageSize));
            // iterateAll fetches the next page only when this one is used up: never the whole listing at once
            for (Blob blob : first.iterateAll()) {
                if (blob.getName().endsWith("/") && blob.getSize() != null && blob.getSize() == 0) continue;
                each.accept(listed(blob));
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

    static ListedObject listed(BlobInfo blob) {
        Instant written = blob.getUpdateTimeOffsetDateTime() != null ? blob.getUpdateTimeOffsetDateTime().toInstant()
                : blob.getCreateTimeOffsetDateTime() != null ? blob.getCreateTimeOffsetDateTime().toInstant() : Instant.EPOCH;
        return listed(blob.getBucket(), blob.getName(), blob.getGeneration(), blob.getMd5(), blob.getCrc32c(), blob.getSize(), written);
    }

    /**
     * The identity a storage notification with this object resource decodes to: the generation, and
     * md5Hash, else crc32c (composite objects have no MD5), never the etag.
     */
    static ListedObject listed(String bucket, String name, Long generation, String md5, String crc32c, Long size, Instant written) {
        String hash = md5 != null && !md5.isBlank() ? md5 : crc32c != null && !crc32c.isBlank() ? crc32c : null;
        return new ListedObject(new ObjectRef(bucket, name, generation == null ? null : Long.toString(generation), hash, size), written);
    }
}
