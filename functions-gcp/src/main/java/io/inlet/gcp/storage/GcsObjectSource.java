package io.inlet.gcp.storage;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.inlet.source.ObjectGoneException;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.Objects;

/**
 * Reads GCS objects through the google-cloud-storage client, as a stream: a {@link ReadChannel}
 * fetches it in chunks, never the whole object at once.
 *
 * <p>The ref's version is the GCS generation: when set, exactly that generation is read (a newer
 * upload of the key does not change what an ingestion of this generation sees). A missing object or
 * generation is {@link ObjectGoneException}, whether found missing before or while reading (so is a
 * generation other than the one asked for, should any layer answer with one); every
 * other storage failure is an {@link IOException} the caller may retry.
 */
public final class GcsObjectSource implements ObjectSource {

    private static final int NOT_FOUND = 404;

    private final Storage storage;

    public GcsObjectSource(Storage storage) {
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    /** Lists the bucket with the identity its notifications carry (a marker-gated set's members). */
    @Override
    public java.util.Optional<io.inlet.source.ObjectLister> lister() {
        return java.util.Optional.of(new GcsObjectLister(storage));
    }

    /** Uploads into the bucket (receipts); one object name, replaced on every write. */
    @Override
    public java.util.Optional<io.inlet.source.ObjectWriter> writer() {
        return java.util.Optional.of((bucket, key, contentType, content) -> {
            try {
                storage.createFrom(com.google.cloud.storage.BlobInfo.newBuilder(BlobId.of(bucket, key)).setContentType(contentType)
                        .build(), content);
            } catch (StorageException e) {
                throw new IOException("cannot write gs://" + bucket + "/" + key + ": " + e.getMessage(), e);
            }
        });
    }

    @Override
    public InputStream open(ObjectRef ref, long fromByte) throws IOException {
        if (fromByte < 0) throw new IllegalArgumentException("fromByte < 0: " + fromByte);
        BlobId id = blobId(ref);
        ReadChannel reader;
        try {
            // The metadata lookup makes "gone" a clean early answer instead of a failure on first read.
            Blob blob = storage.get(id);
            if (blob == null) throw gone(ref, null);
            // what answered must be the generation asked for: a layer that drops the generation
            // (google-cloud-nio's test Storage does) would otherwise serve a newer upload's bytes.
            // GCS always reports one; a store that reports none cannot be checked.
            if (id.getGeneration() != null && blob.getGeneration() != null && !id.getGeneration().equals(blob.getGeneration())) {
                throw gone(ref, new IllegalStateException("generation " + id.getGeneration() + " asked for, generation "
                        + blob.getGeneration() + " answered"));
            }
            reader = storage.reader(id);
            if (fromByte > 0) reader.seek(fromByte);
        } catch (StorageException e) {
            if (e.getCode() == NOT_FOUND) throw gone(ref, e);
            throw new IOException("cannot open gs://" + ref.displayName() + ": " + e.getMessage(), e);
        }
        return new GoneTranslatingStream(Channels.newInputStream(reader), ref);
    }

    static BlobId blobId(ObjectRef ref) {
        if (ref.version() == null) return BlobId.of(ref.bucket(), ref.key());
        try {
            return BlobId.of(ref.bucket(), ref.key(), Long.parseLong(ref.version()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("GCS generation of " + ref.displayName() + " is not a number", e);
        }
    }

    private static ObjectGoneException gone(ObjectRef ref, Throwable cause) {
        return new ObjectGoneException("gs://" + ref.displayName() + " does not exist (deleted, or that generation replaced)", cause);
    }

    /** The read channel reports a generation deleted mid-read as a 404 wrapped in an IOException. */
    private static final class GoneTranslatingStream extends FilterInputStream {
        private final ObjectRef ref;

        GoneTranslatingStream(InputStream in, ObjectRef ref) {
            super(in);
            this.ref = ref;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException | StorageException e) {
                throw translate(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException | StorageException e) {
                throw translate(e);
            }
        }

        private IOException translate(Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof StorageException se && se.getCode() == NOT_FOUND) return gone(ref, e);
            }
            return e instanceof IOException io ? io : new IOException("reading gs://" + ref.displayName() + " failed", e);
        }
    }
}
