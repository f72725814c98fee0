package io.inlet.source;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes an object into a bucket: how Inlet hands something back to a vendor (a receipt).
 *
 * <p>Contract: {@code put} stores {@code content} under exactly {@code bucket/key}, replacing what
 * the key held, so writing the same key again leaves one object (a versioned bucket keeps older
 * versions of that one key). Any {@link IOException} is transient: the caller may write again.
 */
public interface ObjectWriter {

    void put(String bucket, String key, String contentType, Path content) throws IOException;
}
