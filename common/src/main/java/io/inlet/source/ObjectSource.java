package io.inlet.source;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens a stored object as a stream of its raw (possibly compressed) bytes.
 *
 * <p>Contract (every implementation passes {@code ObjectSourceContract} in common's test-jar):
 * <ul>
 *   <li>{@code open(ref, 0)} streams the whole object; {@code open(ref, n)} streams its bytes from
 *       byte {@code n} on (a ranged read), so an ingestion can resume at a checkpoint. An offset at or
 *       past the end streams nothing (no error); a negative one is {@link IllegalArgumentException}.
 *       An empty object streams nothing.</li>
 *   <li>The key is the object's real name, never URL-encoded: spaces, non-ASCII, {@code %}, {@code +},
 *       {@code ?} and {@code #} in it name the object that holds them.</li>
 *   <li>When {@code ref.version()} is set, exactly that version is read, never a newer one: a store
 *       that kept it (S3 with versioning, GCS with object versioning) serves it after the key was
 *       overwritten; one that did not answers {@link ObjectGoneException}. Without a version the
 *       newest is read. A store without versions (local files) reads the bytes there now; its refs
 *       carry no version.</li>
 *   <li>{@link ObjectGoneException} (permanent) when the object, the version or the bucket does not
 *       exist, thrown by {@code open} or by the first read of the stream; any other
 *       {@link IOException} is transient and the caller may retry.</li>
 *   <li>The caller closes the stream, and may close it before the end. Implementations must not
 *       buffer the whole object.</li>
 * </ul>
 */
public interface ObjectSource {

    InputStream open(ObjectRef ref, long fromByte) throws IOException;

    /** Writes into the same store (receipts back to the vendor); empty when this source cannot write. */
    default java.util.Optional<ObjectWriter> writer() {
        return java.util.Optional.empty();
    }

    /**
     * Lists the same store (a marker-gated file set is the objects under its prefix when the marker
     * arrives); empty when this source cannot list.
     */
    default java.util.Optional<ObjectLister> lister() {
        return java.util.Optional.empty();
    }
}
