package io.inlet.simulation;

import io.inlet.source.ObjectGoneException;
import io.inlet.source.ObjectRef;
import io.inlet.source.ObjectSource;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stored object versions by (bucket, key, version): a versioned bucket, where a version stays
 * readable after the key was overwritten or deleted (S3 with versioning, GCS with versioning).
 */
final class MemoryObjects implements ObjectSource {

    private final Map<String, byte[]> versions = new ConcurrentHashMap<>();

    void put(String bucket, String key, String version, byte[] content) {
        versions.put(bucket + "/" + key + "#" + version, content);
    }

    @Override
    public InputStream open(ObjectRef ref, long fromByte) throws java.io.IOException {
        byte[] content = versions.get(ref.bucket() + "/" + ref.key() + "#" + ref.version());
        if (content == null) throw new ObjectGoneException(ref.displayName() + " was never stored", null);
        ByteArrayInputStream in = new ByteArrayInputStream(content);
        in.skipNBytes(Math.min(fromByte, content.length));
        return in;
    }
}
