package io.inlet.source;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens a stored object as a stream of its raw (possibly compressed) bytes.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@code open(ref, 0)} streams the whole object; {@code open(ref, n)} streams from byte
 *       {@code n} (a ranged read), so an ingestion can resume at a checkpoint.</li>
 *   <li>When {@code ref.version()} is set, exactly that version is read, never a newer one.</li>
 *   <li>{@link ObjectGoneException} (permanent) when the object or version no longer exists;
 *       any other {@link IOException} is transient and the caller may retry.</li>
 *   <li>The caller closes the stream. Implementations must not buffer the whole object.</li>
 * </ul>
 */
public interface ObjectSource {

    InputStream open(ObjectRef ref, long fromByte) throws IOException;
}
